#include "write/approvals.h"

#include <algorithm>

#include "base/errors.h"
#include "base/exit_codes.h"
#include "base/string_lists.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

constexpr char kUtc[] = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

bool TableExists(pqxx::transaction_base& txn, const std::string& table) {
  return txn.exec_params("SELECT to_regclass($1) IS NOT NULL", table)[0][0].as<bool>();
}

}  // namespace

ApprovalLog::ApprovalLog(const std::string& schema, const Timeouts& timeouts)
    : schema_(schema), timeouts_(timeouts) {
  const std::string quoted = QuoteIdentifier(schema);
  approvals_ = quoted + "." + QuoteIdentifier("scope_migration_approvals");
  settings_ = quoted + "." + QuoteIdentifier("scope_migration_settings");
}

std::vector<std::string> ApprovalLog::CreateStatements() const {
  return {
      "CREATE TABLE IF NOT EXISTS " + approvals_ +
          " (plan_sha256 text NOT NULL, approver text NOT NULL, approved_at timestamptz NOT "
          "NULL DEFAULT now(), note text, tool_version text, revoked_at timestamptz)",
      "CREATE UNIQUE INDEX IF NOT EXISTS scope_migration_approvals_live ON " + approvals_ +
          " (plan_sha256, approver) WHERE revoked_at IS NULL",
      "CREATE TABLE IF NOT EXISTS " + settings_ + " (key text PRIMARY KEY, value text NOT NULL)"};
}

void ApprovalLog::EnsureTables(pqxx::connection& conn) const {
  {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, timeouts_);
    if (TableExists(txn, approvals_) && TableExists(txn, settings_)) return;
  }
  pqxx::work txn(conn, "approval_tables");
  SetLocalTimeouts(txn, timeouts_);
  try {
    for (const std::string& statement : CreateStatements()) txn.exec(statement);
    txn.commit();
  } catch (const pqxx::insufficient_privilege& e) {
    throw RuntimeFailure("the approval tables need creating and this role may not (" +
                         FirstLine(e.what()) +
                         ", SQLSTATE 42501). Have a DBA run the output of `scope-migrate "
                         "audit-sql --audit-schema " +
                         schema_ + " --grant-to ROLE --approver` once, then run this again");
  }
}

std::vector<Approval> ApprovalLog::Live(pqxx::transaction_base& txn,
                                        const std::string& plan_sha256) const {
  std::vector<Approval> out;
  if (!TableExists(txn, approvals_)) return out;
  const pqxx::result r = NeedsPrivilege("SELECT on " + approvals_, [&] {
    return txn.exec_params("SELECT approver, to_char(approved_at AT TIME ZONE 'UTC', " +
                               std::string(kUtc) + "), coalesce(note, '') FROM " + approvals_ +
                               " WHERE plan_sha256 = $1 AND revoked_at IS NULL "
                               "ORDER BY approved_at, approver",
                           plan_sha256);
  });
  for (const auto& row : r) {
    out.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str()});
  }
  return out;
}

int64_t ApprovalLog::RequiredBySetting(pqxx::transaction_base& txn) const {
  if (!TableExists(txn, settings_)) return 0;
  const pqxx::result r = NeedsPrivilege("SELECT on " + settings_, [&] {
    return txn.exec("SELECT value FROM " + settings_ + " WHERE key = 'required_approvals'");
  });
  if (r.empty()) return 0;
  const std::string value = r[0][0].c_str();
  if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != value.npos) {
    throw RuntimeFailure(settings_ + " has required_approvals = '" + value +
                         "', not a whole number; a DBA must correct it");
  }
  return std::stoll(value);
}

std::vector<Approval> CheckApprovals(const ApprovalLog& log, pqxx::transaction_base& txn,
                                     const std::string& plan_sha256, int64_t required_by_flag) {
  const int64_t by_setting = log.RequiredBySetting(txn);
  const int64_t required = std::max(required_by_flag, by_setting);
  const std::string me = txn.exec("SELECT session_user::text")[0][0].c_str();
  std::vector<Approval> others;
  bool self = false;
  if (required > 0 || TableExists(txn, log.approvals_table())) {
    for (Approval& a : log.Live(txn, plan_sha256)) {
      if (a.approver == me) {
        self = true;
      } else {
        others.push_back(std::move(a));
      }
    }
  }
  if (static_cast<int64_t>(others.size()) >= required) return others;
  const std::string source =
      by_setting >= required_by_flag
          ? "the database requires (" + log.settings_table() + " required_approvals)"
          : "--require-approvals requires";
  throw ToolError(kExitNotApproved,
                  "plan sha256 " + plan_sha256 + " has " + std::to_string(others.size()) +
                      " approvals by roles other than " + me + " (" +
                      (others.empty() ? "none" : DescribeApprovals(others)) + ")" +
                      (self ? "; your own approval does not count" : "") + "; " + source + " " +
                      std::to_string(required) +
                      ". Nothing was written. Reviewers approve this exact plan with "
                      "`scope-migrate approve PLANFILE --db ...`");
}

std::string DescribeApprovals(const std::vector<Approval>& approvals) {
  std::string out;
  for (const Approval& a : approvals) {
    out += (out.empty() ? "" : ", ") + a.approver + " at " + a.approved_at;
  }
  return out;
}

}  // namespace scope_migrate
