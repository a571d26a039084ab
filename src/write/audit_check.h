// What rollback reverts, checked against the run's plan (SPEC 12.3). The operator's role
// can write the audit tables by hand (it must insert rows there), so an audit row proves
// nothing by itself: rollback takes the run's plan (the file given, or the copy apply
// stored, plan_copy.h), requires its sha256 to be the run's and its approvals (recorded
// before the run started, revoked since or not) to meet the requirement, and reverts only
// rows that match a change of that plan (planned_changes.h). Any other row refuses the whole
// rollback (exit 65) naming it, before anything is written; each batch checks its keys again
// in its own transaction, so rows forged meanwhile stop the run before they are written.
// `history --verify RUN` lists the rows that match no change.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/key_change.h"
#include "pg/layout_resolve.h"
#include "plan/planned_changes.h"
#include "plan/plan_reader.h"
#include "write/audit_schema.h"
#include "write/run_rows.h"

namespace scope_migrate {

// The plan of `run`: `plan_file` when given, else the stored copy. Throws ToolError(65)
// when there is neither or when its sha256 is not the run's (and PlanFile's own errors).
PlanFile PlanOfRun(const AuditLog& audit, pqxx::connection& conn, const RunRow& run,
                   const std::optional<std::string>& plan_file);

// Refuses (7) unless the approvals of the run's plan recorded before it started, revoked
// since or not, by roles other than this one, meet the database's requirement.
void CheckRollbackApprovals(const AuditLog& audit, pqxx::connection& conn, const RunRow& run);

// The run's audit rows that match no change of the plan, described ("key K: scope S
// added: why"), the first `limit` of them, and how many there are.
struct UnplannedRows {
  uint64_t count = 0;
  std::vector<std::string> first;
};
UnplannedRows FindUnplannedRows(const AuditLog& audit, pqxx::connection& conn, int64_t run_id,
                                const PlannedChanges& plan, const ResolvedLayout& layout,
                                size_t limit = 20);

// Throws ToolError(65) naming the rows unless `rows` is empty; `what` says whose.
void RefuseUnplanned(const UnplannedRows& rows, const std::string& what);

// Why reverting `revert` (the reverse of what the run recorded for one key) is not the
// reverse of a change of the plan, or "".
std::string JudgeRevert(const PlannedChanges& plan, const KeyChange& revert,
                        const ResolvedLayout& layout);

}  // namespace scope_migrate
