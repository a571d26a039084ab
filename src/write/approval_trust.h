// Which approvals and settings a run may trust (SPEC 12.3), judged inside a transaction
// from the connecting role's point of view, whatever its flags, layout or --audit-schema.
//
// Every table named scope_migration_approvals or scope_migration_settings in the database
// is looked at, in every schema. They are trusted only when each is a table with row-level
// security enabled and forced, and all of them are owned by one role (the DBA's); any
// other (one the operator made in a schema of its own, one of an earlier version not yet
// migrated, a view) refuses the run (exit 7) naming it: it is never used, and never
// silently passed over. The requirement is the largest `required_approvals` of every
// settings table, and --require-approvals when larger; approvals are read from every
// approvals table (one per distinct approver, never the connecting role's own).
//
// A role that could forge or erase approvals whatever the policies say cannot meet a
// requirement above 0: a superuser, a role with BYPASSRLS, the tables' owner or a member
// of it, the owner of a schema holding them (it may drop them), a role holding TRUNCATE or
// TRIGGER on them. It is refused (exit 7) and told to apply as an operator role.
#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "write/approvals.h"

namespace scope_migrate {

struct ApprovalTrust {
  std::vector<std::string> approvals_tables;  // quoted, qualified; all trusted
  int64_t required = 0;                       // the largest required_approvals; 0 without
  std::string required_by;                    // the settings table that sets it, or ""
  std::string forger;                         // why this role could forge them, or ""
  std::string me;                             // session_user
};

// Looks at every table of the two names; throws ToolError(7) for an untrusted one, and
// ToolError(1) for a settings value that is not a whole number.
ApprovalTrust JudgeApprovalTrust(pqxx::transaction_base& txn);

// The requirement of a run: the database's and the flag's.
struct Requirement {
  int64_t count = 0;
  std::string source;  // "the database requires (TABLE required_approvals)" or the flag's
};
Requirement RequirementOf(const ApprovalTrust& trust, int64_t required_by_flag);

// Refuses (exit 7, "Nothing was written" unless `during_run`) unless `requirement` is
// met by approvals of `plan_sha256` in `window` by roles other than this one, and this
// role could not forge them; returns those approvals (all of them, even when none are
// required), to be recorded in the run row. `what` names the action ("apply",
// "rollback of run 3").
std::vector<Approval> CheckApprovals(pqxx::transaction_base& txn, const ApprovalTrust& trust,
                                     const Requirement& requirement,
                                     const std::string& plan_sha256, const ApprovalWindow& window,
                                     const std::string& what);

// Before each batch of a run, in the batch's transaction: one query counting the
// approvals again; throws ToolError(7) naming the plan when they fell under the
// requirement (a revocation). Nothing to do when none are required.
class ApprovalRecheck {
 public:
  ApprovalRecheck(ApprovalTrust trust, Requirement requirement, std::string plan_sha256,
                  ApprovalWindow window);
  void operator()(pqxx::transaction_base& txn) const;

 private:
  ApprovalTrust trust_;
  Requirement requirement_;
  std::string plan_sha256_;
  ApprovalWindow window_;
};

}  // namespace scope_migrate
