// DIR/index.json of a fleet plan (SPEC.md 11.7): which targets the fleet covers, in the
// targets file's order, how each is reached (its db or service and layout as the targets
// file gave them), its plan file (always DIR/NAME.jsonl), that plan's sha256, source and
// summary. `plan --targets F --out DIR` writes it; `apply DIR` reads it and checks every
// plan file against it before anything is written.
//
// Read() refuses (ToolError 65, "DIR/index.json: ...") anything but what Write() makes: a
// JSON object of format "scope-migrate-fleet/1" with one or more targets, each with a valid
// and unique name, a plan named NAME.jsonl (so an edited index cannot point outside DIR),
// a 64-hex-digit sha256 and exactly one of db and service. The file is not signed: what
// makes a fleet apply exact is each plan's sha256, checked against the plan's own bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace scope_migrate {

inline constexpr char kFleetIndexFormat[] = "scope-migrate-fleet/1";

struct FleetPlanSummary {
  uint64_t keys_read = 0, change = 0, unchanged = 0, drift = 0, blocked = 0, skipped = 0;
  uint64_t scopes_to_add = 0, scopes_to_remove = 0;
  std::map<std::string, uint64_t> privileged_grants;  // privileged scope -> keys gaining it

  uint64_t PrivilegedGrants() const;  // keys gaining a privileged scope, over all scopes
  void Add(const FleetPlanSummary& other);
};

struct FleetEntry {
  std::string name;
  std::optional<std::string> db, service, layout;
  std::string sha256;  // of the plan file DIR/NAME.jsonl
  std::string source;  // where the plan was made (its header's source)
  FleetPlanSummary summary;

  std::string PlanFileName() const { return name + ".jsonl"; }
};

std::string IndexPath(const std::string& dir);                            // DIR/index.json
std::string PlanPathIn(const std::string& dir, const std::string& name);  // DIR/NAME.jsonl

// The entry of `name` (one of the index's names).
const FleetEntry& EntryNamed(const std::vector<FleetEntry>& index, const std::string& name);

// The index as JSON text (one object, two-space indented, ending in a newline).
std::string FleetIndexJson(const std::vector<FleetEntry>& entries);

// Reads and checks DIR/index.json.
std::vector<FleetEntry> ReadFleetIndex(const std::string& dir);

// Whether `path` is a directory holding an index.json (apply DIR, rollback --plan DIR).
bool IsFleetDirectory(const std::string& path);

}  // namespace scope_migrate
