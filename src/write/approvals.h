// Approvals of an exact plan (SPEC 11.4). scope_migration_approvals holds one row per
// approval: the plan's sha256, the approving database role (session_user: the identity
// comes from the database's own authentication), the time, a note and the tool version; a
// revoked approval keeps its row with revoked_at set and never counts again. A role has at
// most one live approval of a plan. scope_migration_settings holds settings a DBA writes
// and every apply reads; `required_approvals` is the minimum number of approvals by roles
// other than the applying one, whatever --require-approvals says.
//
// Both tables live in the audit schema. Nothing here keeps state beyond one transaction:
// the check runs inside the transaction that inserts the run's row (the lease), so it
// holds behind PgBouncer in transaction mode and again on every resume.
#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "base/timeouts.h"

namespace scope_migrate {

struct Approval {
  std::string approver;     // the database role
  std::string approved_at;  // RFC 3339, UTC
  std::string note;
};

class ApprovalLog {
 public:
  // `schema` is unquoted (the audit schema).
  ApprovalLog(const std::string& schema, const Timeouts& timeouts);

  const std::string& approvals_table() const { return approvals_; }  // quoted, qualified
  const std::string& settings_table() const { return settings_; }    // quoted, qualified

  // The DDL of both tables, idempotent (printed by audit-sql, run by approve).
  std::vector<std::string> CreateStatements() const;
  // Creates the tables when either is missing; a permission error points to audit-sql.
  void EnsureTables(pqxx::connection& conn) const;

  // The live approvals of `plan_sha256`, oldest first; none when the table is missing.
  std::vector<Approval> Live(pqxx::transaction_base& txn, const std::string& plan_sha256) const;
  // The settings row `required_approvals` (0 when the table or row is missing); a value
  // that is not a whole number >= 0 is refused.
  int64_t RequiredBySetting(pqxx::transaction_base& txn) const;

 private:
  std::string schema_, approvals_, settings_;
  Timeouts timeouts_;
};

// Inside the lease transaction: refuses (exit 7) unless max(flag, setting) live approvals
// of `plan_sha256` exist by roles other than session_user; returns those approvals (all of
// them, even when none are required), to be recorded in the run row.
std::vector<Approval> CheckApprovals(const ApprovalLog& log, pqxx::transaction_base& txn,
                                     const std::string& plan_sha256, int64_t required_by_flag);

// "role at TIME, role at TIME" (or "" for none): how a run row and history list them.
std::string DescribeApprovals(const std::vector<Approval>& approvals);

}  // namespace scope_migrate
