#include "write/approval_trust.h"

#include "base/string_lists.h"

#include <algorithm>

#include "base/errors.h"
#include "base/exit_codes.h"
#include "base/string_lists.h"
#include "base/text_escape.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

// One table of the two names, as the catalog describes it to this role.
struct Candidate {
  std::string name, relname, schema, owner, kind;
  bool secured = false;        // row-level security enabled and forced
  bool owns = false;           // this role is the owner or a member of it
  bool owns_schema = false;    // ... of the schema's owner
  bool bypass_grant = false;   // TRUNCATE or TRIGGER on it
};

std::vector<Candidate> Candidates(pqxx::transaction_base& txn) {
  const pqxx::result r = txn.exec(
      "SELECT c.oid, c.relname::text, n.nspname::text, "
      "pg_get_userbyid(c.relowner)::text, c.relkind::text, "
      "c.relrowsecurity AND c.relforcerowsecurity, "
      "pg_has_role(session_user, c.relowner, 'MEMBER') OR "
      "pg_has_role(current_user, c.relowner, 'MEMBER'), "
      "pg_has_role(session_user, n.nspowner, 'MEMBER') OR "
      "pg_has_role(current_user, n.nspowner, 'MEMBER'), "
      "has_table_privilege(session_user, c.oid, 'TRUNCATE') OR "
      "has_table_privilege(session_user, c.oid, 'TRIGGER') OR "
      "has_table_privilege(c.oid, 'TRUNCATE') OR has_table_privilege(c.oid, 'TRIGGER') "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relname IN ('scope_migration_approvals', 'scope_migration_settings') "
      "AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY n.nspname, c.relname");
  std::vector<Candidate> out;
  for (const auto& row : r) {
    Candidate c;
    c.relname = row[1].c_str();
    c.schema = row[2].c_str();
    c.name = QuoteIdentifier(c.schema) + "." + QuoteIdentifier(c.relname);
    c.owner = row[3].c_str();
    c.kind = row[4].c_str();
    c.secured = row[5].as<bool>();
    c.owns = row[6].as<bool>();
    c.owns_schema = row[7].as<bool>();
    c.bypass_grant = row[8].as<bool>();
    out.push_back(std::move(c));
  }
  return out;
}

ToolError Untrusted(const Candidate& c, const std::string& why) {
  return ToolError(
      kExitNotApproved,
      "the table " + Printable(c.name) + " (owner " + Printable(c.owner) + ") is not trusted: " +
          why +
          ". Approvals and settings count only from the tables `scope-migrate audit-sql "
          "--grant-to ROLE --approver` creates, all owned by the DBA's role, with row-level "
          "security enabled and forced; have the DBA run that output (it migrates tables of "
          "earlier versions) or drop this one. Nothing was written");
}

// The first reason this role could forge or erase approvals, or "".
std::string ForgerReason(pqxx::transaction_base& txn, const std::vector<Candidate>& all) {
  const pqxx::row me = txn.exec1(
      "SELECT bool_or(rolsuper), bool_or(rolbypassrls) FROM pg_catalog.pg_roles WHERE rolname "
      "IN (session_user, current_user)");
  if (me[0].as<bool>(false)) return "it is a superuser";
  if (me[1].as<bool>(false)) return "it has BYPASSRLS";
  for (const Candidate& c : all) {
    if (c.owns) return "it is " + Printable(c.owner) + ", the owner of " + Printable(c.name) +
                       ", or a member of it";
    if (c.owns_schema) return "it owns the schema " + Printable(c.schema) + " of " +
                              Printable(c.name) + " (it may drop the table)";
    if (c.bypass_grant) return "it holds TRUNCATE or TRIGGER on " + Printable(c.name);
  }
  return "";
}

int64_t RequiredIn(pqxx::transaction_base& txn, const std::string& table) {
  const pqxx::result r = NeedsPrivilege("SELECT on " + table, [&] {
    return txn.exec("SELECT value FROM " + table + " WHERE key = 'required_approvals'");
  });
  if (r.empty()) return 0;
  const std::string value = r[0][0].c_str();
  if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != value.npos) {
    throw RuntimeFailure(table + " has required_approvals = '" + Printable(value) +
                         "', not a whole number; a DBA must correct it");
  }
  return std::stoll(value);
}

}  // namespace

ApprovalTrust JudgeApprovalTrust(pqxx::transaction_base& txn) {
  const std::vector<Candidate> all = Candidates(txn);
  ApprovalTrust trust;
  trust.me = txn.exec1("SELECT session_user::text")[0].c_str();
  for (const Candidate& c : all) {
    if (c.kind != "r" && c.kind != "p") throw Untrusted(c, "it is not a table");
    if (!c.secured) throw Untrusted(c, "row-level security is not enabled and forced on it");
    if (c.owner != all.front().owner) {
      throw Untrusted(c, "its owner differs from that of " + Printable(all.front().name) +
                             " (" + Printable(all.front().owner) + "): one role owns them all");
    }
  }
  for (const Candidate& c : all) {
    if (c.relname == "scope_migration_approvals") {
      trust.approvals_tables.push_back(c.name);
    } else {
      const int64_t n = RequiredIn(txn, c.name);
      if (trust.required_by.empty() || n > trust.required) {
        trust.required = n;
        trust.required_by = c.name;
      }
    }
  }
  trust.forger = ForgerReason(txn, all);
  return trust;
}

Requirement RequirementOf(const ApprovalTrust& trust, int64_t required_by_flag) {
  if (trust.required >= required_by_flag && trust.required > 0) {
    return {trust.required,
            "the database requires (" + trust.required_by + " required_approvals)"};
  }
  return {required_by_flag, "--require-approvals requires"};
}

std::vector<Approval> CheckApprovals(pqxx::transaction_base& txn, const ApprovalTrust& trust,
                                     const Requirement& requirement,
                                     const std::string& plan_sha256, const ApprovalWindow& window,
                                     const std::string& what) {
  const std::string me = Printable(trust.me);
  if (requirement.count > 0 && !trust.forger.empty()) {
    throw ToolError(kExitNotApproved,
                    what + " needs " + std::to_string(requirement.count) +
                        " approvals, and the role " + me +
                        " could forge or erase approvals whatever the database's policies say (" +
                        trust.forger +
                        "). Apply as an operator role that is none of these (one with the "
                        "grants of `scope-migrate audit-sql --grant-to ROLE`). Nothing was "
                        "written");
  }
  const std::vector<Approval> others =
      ApprovalsOf(txn, trust.approvals_tables, plan_sha256, window, trust.me);
  if (static_cast<int64_t>(others.size()) >= requirement.count) return others;
  const std::vector<Approval> mine = ApprovalsOf(txn, trust.approvals_tables, plan_sha256, window);
  const bool self = mine.size() > others.size();
  throw ToolError(
      kExitNotApproved,
      what + ": plan sha256 " + plan_sha256 + " has " + CountOf(others.size(), "approval") +
          " by roles other than " + me + " (" +
          (others.empty() ? "none" : Printable(DescribeApprovals(others))) + ")" +
          (self ? "; your own approval does not count" : "") + "; " + requirement.source + " " +
          std::to_string(requirement.count) +
          ". Nothing was written. Reviewers approve this exact plan with "
          "`scope-migrate approve PLANFILE --db ...`");
}

ApprovalRecheck::ApprovalRecheck(ApprovalTrust trust, Requirement requirement,
                                 std::string plan_sha256, ApprovalWindow window)
    : trust_(std::move(trust)),
      requirement_(std::move(requirement)),
      plan_sha256_(std::move(plan_sha256)),
      window_(std::move(window)) {}

void ApprovalRecheck::operator()(pqxx::transaction_base& txn) const {
  if (requirement_.count == 0) return;
  const size_t live =
      ApprovalsOf(txn, trust_.approvals_tables, plan_sha256_, window_, trust_.me).size();
  if (static_cast<int64_t>(live) >= requirement_.count) return;
  throw ToolError(kExitNotApproved,
                  "an approval of plan sha256 " + plan_sha256_ +
                      " was revoked during the run: " + CountOf(live, "approval") +
                      " by roles other than " + Printable(trust_.me) + " remain; " +
                      requirement_.source + " " + std::to_string(requirement_.count) +
                      ". The run stopped before this batch");
}

}  // namespace scope_migrate
