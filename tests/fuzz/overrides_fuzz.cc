// The overrides file (SPEC 12.2) in both its forms, loaded over the shipped catalog as the
// tool loads it: overrides_yaml (a YAML file) and overrides_jsonl (a .jsonl file). A loaded
// file must hold valid overrides: sorted, disjoint, catalog scopes, a reason, a unique key.

#include <algorithm>

#include "base/errors.h"
#include "core/catalog.h"
#include "core/overrides.h"
#include "fuzz/fuzz_targets.h"
#include "fuzz/fuzz_util.h"

#ifndef SCOPE_MIGRATE_SOURCE_DIR
#error "SCOPE_MIGRATE_SOURCE_DIR must name the source tree (for the shipped catalog)"
#endif

namespace scope_migrate::fuzz {
namespace {

const Catalog& ShippedCatalog() {
  static const Catalog catalog = Catalog::Load(SCOPE_MIGRATE_SOURCE_DIR "/mappings/scopes.yaml");
  return catalog;
}

void CheckLoaded(const Overrides& overrides, const std::string& input) {
  for (const Override& o : overrides.list()) {
    Check(overrides.Find(o.key) == &o, "an override is found by its key", input);
    Check(!o.change.reason.empty(), "an override has a reason", input);
    Check(!o.change.add.empty() || !o.change.remove.empty(), "an override changes something",
          input);
    Check(std::is_sorted(o.change.add.begin(), o.change.add.end()) &&
              std::is_sorted(o.change.remove.begin(), o.change.remove.end()),
          "an override's lists are sorted", input);
    Check(o.add_at.size() == o.change.add.size() && o.remove_at.size() == o.change.remove.size(),
          "every scope has its place", input);
    for (const auto& scope : o.change.add) {
      Check(ShippedCatalog().Find(scope) != nullptr, "an added scope is in the catalog", input);
      Check(!std::binary_search(o.change.remove.begin(), o.change.remove.end(), scope),
            "no scope is both added and removed", input);
    }
  }
}

int Load(const char* name, const uint8_t* data, size_t size) {
  const std::string input = AsString(data, size);
  try {
    CheckLoaded(Overrides::Load(WriteScratch(name, input), ShippedCatalog()), input);
  } catch (const ToolError&) {
  }
  return 0;
}

}  // namespace

int FuzzOverridesYaml(const uint8_t* data, size_t size) { return Load("overrides.yaml", data, size); }

int FuzzOverridesJsonl(const uint8_t* data, size_t size) {
  return Load("overrides.jsonl", data, size);
}

}  // namespace scope_migrate::fuzz
