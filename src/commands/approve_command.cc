// `scope-migrate approve SOURCE PLANFILE [--note TEXT] [--revoke]`: checks the plan file as
// apply does (checksum and every line; no key is written) and records, in the audit schema's
// scope_migration_approvals, an approval of that exact plan by the connecting database role
// (session_user; the database's policies accept no other name, approvals.h). Approving a
// plan this role already approved records nothing and says so, unless the plan was rolled
// back since that approval: then a new one is recorded (a re-apply counts only approvals
// recorded after the rollback). --revoke sets revoked_at on this role's live approvals (the
// rows stay, and never count again). The tables are never created here: the DBA creates
// them with `audit-sql --approver`.
#include <iostream>

#include "base/text_escape.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "pg/db.h"
#include "plan/fleet_index.h"
#include "plan/plan_reader.h"
#include "write/approvals.h"
#include "write/run_history.h"

namespace scope_migrate {
namespace {

// Records the approval unless this role has a live one recorded after the plan's last
// rollback; prints what it did.
void Approve(pqxx::work& txn, const ApprovalLog& log, const AuditLog& audit,
             const std::string& sha256, const Options& options) {
  const std::string me = txn.exec1("SELECT session_user::text")[0].c_str();
  ApprovalWindow window;
  window.after = LastRollbackOf(audit, txn, sha256);
  for (const Approval& a : ApprovalsOf(txn, {log.approvals_table()}, sha256, window)) {
    if (a.approver != me) continue;
    std::cout << "plan sha256 " << sha256 << " is already approved by " << Printable(me)
              << " (at " << a.approved_at << "); nothing recorded\n";
    return;
  }
  const std::string at = log.Record(txn, sha256, options.note);
  std::cout << "approved plan sha256 " << sha256 << " as " << Printable(me) << " at " << at
            << (window.after ? " (a new approval: the plan was rolled back since the last one)"
                             : "")
            << "\n";
}

void Revoke(pqxx::work& txn, const ApprovalLog& log, const std::string& sha256) {
  const std::string me = Printable(txn.exec1("SELECT session_user::text")[0].c_str());
  if (log.Revoke(txn, sha256) == 0) {
    std::cout << me << " has no approval of plan sha256 " << sha256 << " to revoke; nothing "
              << "changed\n";
  } else {
    std::cout << "revoked the approval of plan sha256 " << sha256 << " by " << me << "\n";
  }
}

}  // namespace

int RunApproveCommand(const Options& options) {
  if (IsFleetDirectory(*options.plan_file)) return RunFleetApprove(options);
  const PlanFile plan = PlanFile::Open(*options.plan_file, KeyFilter{});
  const Layout layout = LoadLayout(options);
  auto conn = Connect(options.Conninfo());
  const ResolvedLayout resolved = ResolveLayout(*conn, layout, options);
  const std::string schema = AuditSchema(options, resolved);
  const ApprovalLog log(schema, options.timeouts);
  const AuditLog audit(schema, options.timeouts);
  pqxx::work txn(*conn, "approve");
  SetLocalTimeouts(txn, options.timeouts);
  if (!log.Exists(txn)) {
    throw RuntimeFailure("there is no " + log.approvals_table() +
                         " to record approvals in; the tool never creates it. Have the DBA "
                         "run the output of `scope-migrate audit-sql --audit-schema " +
                         schema + " --grant-to ROLE --approver` once, then approve again");
  }
  if (options.revoke) {
    Revoke(txn, log, plan.sha256());
  } else {
    Approve(txn, log, audit, plan.sha256(), options);
  }
  txn.commit();
  return kExitOk;
}

}  // namespace scope_migrate
