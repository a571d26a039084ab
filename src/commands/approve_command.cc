// `scope-migrate approve SOURCE PLANFILE [--note TEXT] [--revoke]`: checks the plan file as
// apply does (checksum and every line; no key is written) and records, in the audit schema's
// scope_migration_approvals, an approval of that exact plan by the connecting database role
// (session_user). Approving a plan this role already approved records nothing and says so;
// --revoke sets revoked_at on this role's live approval (the row stays, and never counts
// again). The tables are created when missing (approvals.h).
#include <iostream>

#include "base/version.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "pg/db.h"
#include "plan/fleet_index.h"
#include "plan/plan_reader.h"
#include "write/approvals.h"

namespace scope_migrate {
namespace {

// Records the approval unless this role has a live one already; prints what it did.
void Approve(pqxx::work& txn, const ApprovalLog& log, const std::string& sha256,
             const Options& options) {
  const std::string me = txn.exec("SELECT session_user::text")[0][0].c_str();
  for (const Approval& a : log.Live(txn, sha256)) {
    if (a.approver == me) {
      std::cout << "plan sha256 " << sha256 << " is already approved by " << me << " (at "
                << a.approved_at << "); nothing recorded\n";
      return;
    }
  }
  const pqxx::result r = NeedsPrivilege("INSERT on " + log.approvals_table(), [&] {
    return txn.exec_params(
        "INSERT INTO " + log.approvals_table() +
            " (plan_sha256, approver, approved_at, note, tool_version) VALUES ($1, session_user, "
            "clock_timestamp(), $2, $3) RETURNING to_char(approved_at AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        sha256, options.note ? options.note->c_str() : nullptr, std::string(ToolVersion()));
  });
  std::cout << "approved plan sha256 " << sha256 << " as " << me << " at " << r[0][0].c_str()
            << "\n";
}

void Revoke(pqxx::work& txn, const ApprovalLog& log, const std::string& sha256) {
  const std::string me = txn.exec("SELECT session_user::text")[0][0].c_str();
  const pqxx::result r = NeedsPrivilege("UPDATE on " + log.approvals_table(), [&] {
    return txn.exec_params("UPDATE " + log.approvals_table() +
                               " SET revoked_at = clock_timestamp() WHERE plan_sha256 = $1 AND "
                               "approver = session_user AND revoked_at IS NULL",
                           sha256);
  });
  if (r.affected_rows() == 0) {
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
  const ApprovalLog log(AuditSchema(options, resolved), options.timeouts);
  log.EnsureTables(*conn);
  pqxx::work txn(*conn, "approve");
  SetLocalTimeouts(txn, options.timeouts);
  if (options.revoke) {
    Revoke(txn, log, plan.sha256());
  } else {
    Approve(txn, log, plan.sha256(), options);
  }
  txn.commit();
  return kExitOk;
}

}  // namespace scope_migrate
