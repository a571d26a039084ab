#include "write/audit_check.h"

#include <cstdio>
#include <memory>

#include "base/atomic_file.h"
#include "base/errors.h"
#include "base/text_escape.h"
#include "pg/column_format.h"
#include "pg/db.h"
#include "pg/pg_text.h"
#include "write/approval_trust.h"
#include "write/change_rows.h"
#include "write/plan_copy.h"

namespace scope_migrate {
namespace {

struct Closer {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// A recorded scopes-column value's items (an array as PostgreSQL prints it, the other
// formats as stored); false when it does not parse.
bool ValueItems(const ResolvedLayout& layout, const std::optional<std::string>& value,
                std::vector<std::string>& items) {
  items.clear();
  if (layout.scopes_format.format != ValueFormat::kArray) {
    return ParseColumnValue(layout.scopes_format, value, items).empty();
  }
  if (!value) return true;
  try {
    ParseTextArray(*value, items);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string JudgeValueRow(const PlannedChanges& plan, const ResolvedLayout& layout,
                          const std::string& id, const std::optional<std::string>& previous,
                          const std::optional<std::string>& written) {
  std::vector<std::string> before, after;
  if (!ValueItems(layout, previous, before) || !ValueItems(layout, written, after)) {
    return "key " + id + "'s recorded value does not parse";
  }
  return plan.JudgeValues(id, before, after);
}

void Note(UnplannedRows& rows, const std::string& why, size_t limit) {
  if (why.empty()) return;
  if (rows.first.size() < limit) rows.first.push_back(Printable(why));
  ++rows.count;
}

}  // namespace

PlanFile PlanOfRun(const AuditLog& audit, pqxx::connection& conn, const RunRow& run,
                   const std::optional<std::string>& plan_file) {
  const std::string name = "run " + std::to_string(run.run_id);
  std::unique_ptr<std::FILE, Closer> copy;
  std::string path;
  if (plan_file) {
    path = *plan_file;
  } else {
    copy.reset(UnlinkedTempFile("the stored copy of the run's plan"));
    if (!FetchPlanCopy(audit, conn, run.plan_sha256, copy.get())) {
      throw ToolError(kExitInvalidInput,
                      name + "'s plan " + run.plan_sha256 + " has no stored copy in " +
                          audit.plans_table() +
                          " (runs of versions before 0.4 stored none): pass the plan file with "
                          "--plan FILE; nothing was written");
    }
    path = "/proc/self/fd/" + std::to_string(fileno(copy.get()));
  }
  PlanFile plan = PlanFile::Open(path, KeyFilter{});
  if (plan.sha256() != run.plan_sha256) {
    throw ToolError(kExitInvalidInput,
                    (plan_file ? "the plan file " + *plan_file : "the stored copy") +
                        " has sha256 " + plan.sha256() + ", " + name + " applied plan " +
                        run.plan_sha256 + ": rollback reverts only by the run's own plan; "
                        "nothing was written");
  }
  return plan;
}

void CheckRollbackApprovals(const AuditLog& audit, pqxx::connection& conn, const RunRow& run) {
  pqxx::read_transaction txn(conn, "rollback_approvals");
  SetLocalTimeouts(txn, audit.timeouts());
  const ApprovalTrust trust = JudgeApprovalTrust(txn);
  ApprovalWindow window;
  window.before = txn.exec_params1("SELECT started_at::text FROM " + audit.runs_table() +
                                       " WHERE run_id = $1",
                                   run.run_id)[0]
                      .c_str();
  window.with_revoked = true;  // a revocation never blocks an emergency rollback
  CheckApprovals(txn, trust, RequirementOf(trust, 0), run.plan_sha256, window,
                 "rollback of run " + std::to_string(run.run_id));
}

UnplannedRows FindUnplannedRows(const AuditLog& audit, pqxx::connection& conn, int64_t run_id,
                                const PlannedChanges& plan, const ResolvedLayout& layout,
                                size_t limit) {
  UnplannedRows rows;
  ForEachChange(audit, conn, run_id, [&](const ChangeRow& row) {
    const bool added = row.action == "add";
    std::string why = row.action != "add" && row.action != "remove"
                          ? "key " + row.api_key_id + ": action " + row.action
                          : plan.JudgeChange(row.api_key_id, row.scope, added);
    if (!why.empty()) why = "key " + row.api_key_id + " scope " + row.scope + " " + row.action +
                            ": " + why;
    Note(rows, why, limit);
  });
  if (!audit.with_values()) return rows;
  NeedsPrivilege("SELECT on " + audit.values_table(), [&] {
    pqxx::read_transaction txn(conn, "values_of_run");
    SetLocalTimeouts(txn, audit.timeouts());
    for (const auto& row : txn.exec_params("SELECT api_key_id, previous, written FROM " +
                                               audit.values_table() +
                                               " WHERE run_id = $1 ORDER BY api_key_id",
                                           run_id)) {
      Note(rows, JudgeValueRow(plan, layout, row[0].c_str(), FieldText(row[1]), FieldText(row[2])),
           limit);
    }
  });
  return rows;
}

void RefuseUnplanned(const UnplannedRows& rows, const std::string& what) {
  if (rows.count == 0) return;
  std::string list;
  for (const std::string& row : rows.first) list += "\n  " + row;
  if (rows.count > rows.first.size()) {
    list += "\n  ... and " + std::to_string(rows.count - rows.first.size()) + " more";
  }
  throw ToolError(kExitInvalidInput,
                  what + " has " + std::to_string(rows.count) +
                      " audit rows that match no change of its plan (written by hand?); "
                      "nothing was written:" +
                      list);
}

std::string JudgeRevert(const PlannedChanges& plan, const KeyChange& revert,
                        const ResolvedLayout& layout) {
  for (const std::string& scope : revert.remove) {  // the run added it
    if (std::string why = plan.JudgeChange(revert.id, scope, true); !why.empty()) return why;
  }
  for (const std::string& scope : revert.add) {  // the run removed it
    if (std::string why = plan.JudgeChange(revert.id, scope, false); !why.empty()) return why;
  }
  if (!revert.recorded) return "";
  return JudgeValueRow(plan, layout, revert.id, revert.recorded->previous,
                       revert.recorded->written);
}

}  // namespace scope_migrate
