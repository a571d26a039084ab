// The fleet's files: the targets file (pg/targets_file.h) and DIR/index.json
// (plan/fleet_index.h). Each input is written to a private directory and read as the
// fleet commands read it; what loads must keep the files' own promises.

#include <filesystem>
#include <set>

#include "base/errors.h"
#include "core/target_name.h"
#include "fuzz/fuzz_targets.h"
#include "fuzz/fuzz_util.h"
#include "pg/db.h"
#include "pg/targets_file.h"
#include "plan/fleet_index.h"

namespace scope_migrate::fuzz {

int FuzzTargets(const uint8_t* data, size_t size) {
  const std::string text = AsString(data, size);
  try {
    std::set<std::string> names;
    for (const Target& target : LoadTargets(WriteScratch("fleet.yaml", text))) {
      Check(IsTargetName(target.name), "a loaded target's name is a-z, 0-9 and -", text);
      Check(names.insert(target.name).second, "loaded target names are unique", text);
      Check(RedactConninfo(target.Conninfo()) == target.Conninfo(),
            "a loaded target's conninfo holds no password", text);
    }
  } catch (const ToolError&) {
  }
  return 0;
}

// What loads is written back and read again to the same entries.
int FuzzFleetIndex(const uint8_t* data, size_t size) {
  static const bool made = std::filesystem::create_directories(ScratchDir() + "/fleet");
  (void)made;
  const std::string text = AsString(data, size);
  WriteScratch("fleet/index.json", text);
  try {
    const std::vector<FleetEntry> entries = ReadFleetIndex(ScratchDir() + "/fleet");
    const std::string json = FleetIndexJson(entries);
    WriteScratch("fleet/index.json", json);
    const std::vector<FleetEntry> again = ReadFleetIndex(ScratchDir() + "/fleet");
    Check(FleetIndexJson(again) == json, "an index read back writes the same JSON", text);
    for (const FleetEntry& e : again) {
      Check(e.PlanFileName().find('/') == std::string::npos, "a plan stays inside DIR", text);
    }
  } catch (const ToolError&) {
  }
  return 0;
}

}  // namespace scope_migrate::fuzz
