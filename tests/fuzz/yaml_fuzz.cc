// The YAML files: catalog, mapping (over the shipped catalog), layout and fixtures. Each
// input is written to a file of a private directory and loaded as the tool loads it.

#include <filesystem>

#include "base/errors.h"
#include "core/catalog.h"
#include "core/fixtures.h"
#include "core/mapping.h"
#include "fuzz/fuzz_targets.h"
#include "fuzz/fuzz_util.h"
#include "pg/layout_file.h"

#ifndef SCOPE_MIGRATE_SOURCE_DIR
#error "SCOPE_MIGRATE_SOURCE_DIR must name the source tree (for the shipped catalog)"
#endif

namespace scope_migrate::fuzz {

int FuzzCatalog(const uint8_t* data, size_t size) {
  try {
    const Catalog catalog = Catalog::Load(WriteScratch("catalog.yaml", AsString(data, size)));
    for (const Scope& scope : catalog.scopes()) {
      Check(catalog.Find(scope.name) == &scope, "a loaded scope is found by its name",
            AsString(data, size));
    }
    catalog.Expand("*");
  } catch (const ToolError&) {
  }
  return 0;
}

// The mapping names its catalog relative to itself: beside it is the shipped catalog, so
// the shipped mapping (catalog: scopes.yaml) loads as it is.
int FuzzMapping(const uint8_t* data, size_t size) {
  static const bool copied = [] {
    std::filesystem::create_directories(ScratchDir() + "/mapping");
    std::filesystem::copy_file(SCOPE_MIGRATE_SOURCE_DIR "/mappings/scopes.yaml",
                               ScratchDir() + "/mapping/scopes.yaml",
                               std::filesystem::copy_options::overwrite_existing);
    return true;
  }();
  (void)copied;
  const std::string text = AsString(data, size);
  try {
    const Mapping mapping = Mapping::Load(WriteScratch("mapping/mapping.yaml", text));
    for (const Role& role : mapping.roles()) {
      Check(mapping.Find(role.name) == &role, "a loaded role is found by its name", text);
      Check(!role.scopes.empty(), "a loaded role has scopes", text);
    }
  } catch (const ToolError&) {
  }
  return 0;
}

int FuzzLayout(const uint8_t* data, size_t size) {
  try {
    const Layout layout = Layout::Load(WriteScratch("layout.yaml", AsString(data, size)));
    CheckScopesWritable(layout, {"billing-read", "billing-write", "a,b", " spaced "});
  } catch (const ToolError&) {
  }
  return 0;
}

int FuzzFixtures(const uint8_t* data, size_t size) {
  try {
    const std::vector<FixtureKey> keys =
        LoadFixtures(WriteScratch("fixtures.yaml", AsString(data, size)));
    for (size_t i = 1; i < keys.size(); ++i) {
      Check(keys[i - 1].key.id < keys[i].key.id, "fixture keys come back sorted by unique id",
            AsString(data, size));
    }
  } catch (const ToolError&) {
  }
  return 0;
}

}  // namespace scope_migrate::fuzz
