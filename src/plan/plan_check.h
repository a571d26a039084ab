// Checking a plan's content against the mapping in its own header (SPEC 11.4), so that a
// plan edited and re-hashed is refused: the sha256 only detects accidents and truncation.
// The checker is built from the header: its mapping must be there and pass lint's rules
// against the catalog it carries (every role scope in the catalog, no read-only role
// reaching a -write or privileged scope, no role empty, no name or alias on two roles).
// Each key line's decision is then recomputed from its "roles" and "current" (status,
// add and extra, hence target and remove) for the statuses that can be written ("change",
// "unchanged", "drift"); a blocked or skipped line is never written and is counted as it
// says. A key id seen twice is refused (ids are compared by a 64-bit
// hash: two different ids that collide, about one chance in 10^7 for a million keys, would
// be refused as repeated). Finally the summary line must equal the summary
// counted from the key lines (all but excluded_post_cutoff, which counts keys a plan does
// not list). Every refusal throws ToolError(65) as "FILE:LINE:1: message".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/summary.h"
#include "plan/plan_format.h"

namespace scope_migrate {

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

  std::string path_;
  const RoleMatrix& matrix_;
  bool prune_;
  std::map<std::string, size_t> index_;  // normalised name or alias -> role position
  // A 64-bit hash of each key id with its line, sorted at the end to find a repeated id
  // in 16 bytes a key.
  std::vector<std::pair<uint64_t, int>> ids_;
  Summary counted_;
};

}  // namespace scope_migrate
