// Approvals of an exact plan (SPEC 11.4, 12.3): the tables, their DDL and the rows.
// scope_migration_approvals holds one row per approval: the plan's sha256, the approving
// database role, the time it was recorded, a note and the tool version; revocation sets
// revoked_at once and the row stays. scope_migration_settings holds what the DBA requires
// of every apply (`required_approvals`).
//
// The database itself keeps these promises, whatever client writes (the DDL below, which
// `audit-sql --approver` prints for the DBA and which migrates tables of earlier versions):
// row-level security, enabled and forced, lets a role insert an approval only in its own
// name (approver = session_user) and revoke only its own; a trigger stamps approved_at and
// refuses every other UPDATE (plan, approver, time, a revocation undone), every DELETE and
// TRUNCATE; the settings are read by everyone and written by the DBA only. The tool never
// creates these tables (approval_trust.h says which ones it trusts). A role may approve a
// plan again after a rollback of it: approvals are counted per distinct approver.
#pragma once

#include <optional>
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

// Which approvals of a plan count: live ones by default; `after` (an instant, RFC 3339)
// keeps those recorded after it (a re-apply after a rollback counts only those);
// `before` those recorded before it (a rollback counts those recorded before its run
// started) and `with_revoked` counts them whether revoked since or not.
struct ApprovalWindow {
  std::optional<std::string> after, before;
  bool with_revoked = false;
};

// The approval and settings tables of one schema.
class ApprovalLog {
 public:
  // `schema` is unquoted.
  ApprovalLog(const std::string& schema, const Timeouts& timeouts);

  const std::string& schema() const { return schema_; }              // unquoted
  const std::string& approvals_table() const { return approvals_; }  // quoted, qualified
  const std::string& settings_table() const { return settings_; }    // quoted, qualified

  // The DDL of both tables with their policies and guard trigger, idempotent; run on
  // tables of an earlier version it migrates them.
  std::vector<std::string> CreateStatements() const;
  // What an approver may do: read, insert in its own name, revoke (on top of USAGE on
  // the schema). REVOKEs first, so that broader grants of an earlier version go.
  std::vector<std::string> ApproverGrants(const std::string& quoted_role) const;
  // What an operator may do: read both tables, nothing else.
  std::vector<std::string> OperatorGrants(const std::string& quoted_role) const;

  // Whether the approvals table exists (as anything).
  bool Exists(pqxx::transaction_base& txn) const;
  // Records an approval by session_user; returns its time (RFC 3339, UTC).
  std::string Record(pqxx::transaction_base& txn, const std::string& plan_sha256,
                     const std::optional<std::string>& note) const;
  // Revokes session_user's live approvals of the plan; how many.
  size_t Revoke(pqxx::transaction_base& txn, const std::string& plan_sha256) const;

 private:
  std::string schema_, approvals_, settings_, guard_;
  Timeouts timeouts_;
};

// The approvals of `plan_sha256` in `tables` (quoted, qualified) within `window`, one per
// approver (its earliest), oldest first; roles in `except` left out.
std::vector<Approval> ApprovalsOf(pqxx::transaction_base& txn,
                                  const std::vector<std::string>& tables,
                                  const std::string& plan_sha256, const ApprovalWindow& window,
                                  const std::string& except = "");

// "role at TIME, role at TIME" (or "" for none): how a run row and history list them.
std::string DescribeApprovals(const std::vector<Approval>& approvals);

}  // namespace scope_migrate
