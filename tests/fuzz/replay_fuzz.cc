// The replay's inputs: the endpoint catalog (an endpoints file or an OpenAPI document, over
// the shipped catalog and mapping) matched against a few calls, and the usage files (JSON
// Lines, CSV) read into a replay.

#include <filesystem>

#include "base/errors.h"
#include "core/endpoints.h"
#include "core/mapping.h"
#include "core/route_matcher.h"
#include "fuzz/fuzz_targets.h"
#include "fuzz/fuzz_util.h"
#include "plan/usage_reader.h"

#ifndef SCOPE_MIGRATE_SOURCE_DIR
#error "SCOPE_MIGRATE_SOURCE_DIR must name the source tree (for the shipped catalog)"
#endif

namespace scope_migrate::fuzz {

const Mapping& ShippedMapping() {
  static const Mapping mapping =
      Mapping::Load(SCOPE_MIGRATE_SOURCE_DIR "/mappings/legacy-roles.yaml");
  return mapping;
}

// The endpoints file names its catalog relative to itself: the shipped catalog is beside it.
int FuzzEndpoints(const uint8_t* data, size_t size) {
  static const bool copied = [] {
    std::filesystem::create_directories(ScratchDir() + "/endpoints");
    std::filesystem::copy_file(SCOPE_MIGRATE_SOURCE_DIR "/mappings/scopes.yaml",
                               ScratchDir() + "/endpoints/scopes.yaml",
                               std::filesystem::copy_options::overwrite_existing);
    return true;
  }();
  (void)copied;
  const std::string text = AsString(data, size);
  try {
    const EndpointCatalog catalog =
        EndpointCatalog::Load(WriteScratch("endpoints/endpoints.yaml", text), &ShippedMapping());
    const RouteMatcher matcher(catalog.endpoints());
    for (size_t i = 0; i < catalog.endpoints().size(); ++i) {
      const Endpoint& endpoint = catalog.endpoints()[i];
      Check(endpoint.is_public != !endpoint.scopes.empty(), "public exactly when no scopes",
            text);
      std::string path;
      for (const std::string& segment : endpoint.segments) path += "/" + segment;
      const int found = matcher.Match(MethodName(endpoint.method), path);
      Check(found >= 0, "a route matches its own path", text);
    }
  } catch (const ToolError&) {
  }
  return 0;
}

namespace {

// Every record a reader hands on is whole: a key, a count of at least 1, a status in range.
class CheckRecords : public UsageVisitor {
 public:
  explicit CheckRecords(const std::string& input) : input_(input) {}
  void Visit(const UsageRecord& record) override {
    Check(!record.key.empty(), "a record has a key", input_);
    Check(record.count >= 1, "a record counts at least one call", input_);
    Check(record.status == 0 || (record.status >= 100 && record.status <= 599),
          "a status is an HTTP status", input_);
  }

 private:
  const std::string& input_;
};

int FuzzUsageFile(const char* name, const uint8_t* data, size_t size) {
  const std::string text = AsString(data, size);
  try {
    CheckRecords check(text);
    ReadUsageFile(WriteScratch(name, text), {}, check);
  } catch (const ToolError&) {
  }
  return 0;
}

}  // namespace

int FuzzUsageJsonl(const uint8_t* data, size_t size) {
  return FuzzUsageFile("usage.jsonl", data, size);
}

int FuzzUsageCsv(const uint8_t* data, size_t size) {
  return FuzzUsageFile("usage.csv", data, size);
}

}  // namespace scope_migrate::fuzz
