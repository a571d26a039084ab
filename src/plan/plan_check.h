// Checking a plan's content against the mapping in its own header (SPEC 11.4), so that a
// plan edited and re-hashed is refused: the sha256 only detects accidents and truncation.
// The checker is built from the header: its mapping must be there and pass lint's rules
// against the catalog it carries (every role scope in the catalog, no read-only role
// reaching a -write or privileged scope, no role empty, no name or alias on two roles).
// Each key line's decision is then recomputed from its "roles" and "current" (status,
// add and extra, hence target and remove) for the statuses that can be written ("change",
// "unchanged", "drift"); a blocked or skipped line is never written and is counted as it
// says. A line with an override (version 3) is recomputed with it, under the override's
// rules (core/decision.h: ApplyOverride), whatever its status; the header must record the
// overrides file and as many such lines as there are. The key ids must increase from line to line, as the planner writes them: in byte
// order (text ids are read ORDER BY id COLLATE "C", uuids sort as their text) or, when every
// id is a decimal integer, in numeric order (integer ids); a line breaking both orders is
// refused as out of order. A key id seen twice is refused (ids are compared by a 64-bit
// hash: two different ids that collide, about one chance in 10^7 for a million keys, would
// be refused as repeated). Finally the summary line must equal the summary
// counted from the key lines, and its excluded_post_cutoff (keys a plan does not list)
// the header's, when the header has it (inside the checksum, where the summary is not). Every
// refusal throws ToolError(65) as "FILE:LINE:1: message".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/overrides.h"
#include "core/summary.h"
#include "plan/plan_format.h"

namespace scope_migrate {

class Mapping;

class PlanChecker {
 public:
  // Throws unless the header carries a mapping that passes the rules above.
  PlanChecker(const std::string& path, const PlanHeader& header);

  // Recomputes `key`'s decision and counts it; throws at the first difference.
  void Check(const PlanKeyLine& key);

  // Throws if a key id was repeated, or unless `written` (the summary line, number `line`) has the
  // counts of the keys.
  void CheckSummary(const Summary& written, int line);

 private:
  const RoleMatrix::Role* FindRole(const std::string& raw) const;
  void CheckDecision(const PlanKeyLine& key, std::vector<std::string>& roles) const;
  void CheckOrder(const PlanKeyLine& key);
  void CheckOverrideAllowed(const PlanKeyLine& key);

  std::string path_;
  const RoleMatrix& matrix_;
  bool prune_;
  bool overrides_recorded_;      // the header records an overrides file
  uint64_t overrides_applied_;   // the key lines with an override it records
  uint64_t overrides_ = 0;       // those seen
  std::map<std::string, size_t> index_;  // normalised name or alias -> role position
  // A 64-bit hash of each key id with its line, sorted at the end to find a repeated id
  // in 16 bytes a key.
  std::vector<std::pair<uint64_t, int>> ids_;
  std::string last_id_;  // of the previous key line
  int last_line_ = 0;
  bool byte_order_ = true, numeric_order_ = true;  // the orders the ids so far increase in
  Summary counted_;
  std::optional<uint64_t> excluded_;  // the header's excluded_post_cutoff
};

// `apply --mapping FILE PLANFILE`: throws ToolError(65) as "PLANFILE:1:1: message" with
// both sha256 unless the plan was made with `mapping` (read from `mapping_path`): the
// header's mapping_sha256 and catalog_sha256 are the mapping's, its roles, aliases and
// scopes (and the catalog's scopes) are those the mapping gives, and its cutoff is the
// mapping's, with no override (mapping_cutoff) recorded.
void CheckHeaderMapping(const std::string& plan_path, const PlanHeader& header,
                        const Mapping& mapping, const std::string& mapping_path);

// The pinned apply's check of the overrides (SPEC 12.2): throws ToolError(65) as
// "PLANFILE:1:1: message" unless the header records the overrides file of `overrides` (its
// sha256), or, when `overrides` is null (no --overrides given), records none.
void CheckHeaderOverrides(const std::string& plan_path, const PlanHeader& header,
                          const Overrides* overrides);

// And of one key line: its override must be the file's for its key; a line without one
// for a key the file overrides, inside the plan's own filter, is refused too (a line whose
// override was taken off). Throws ToolError(65) at "PLANFILE:LINE:1".
void CheckLineOverride(const std::string& plan_path, const PlanHeader& header,
                       const PlanKeyLine& key, const Overrides& overrides);

}  // namespace scope_migrate
