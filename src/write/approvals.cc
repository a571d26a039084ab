#include "write/approvals.h"

#include "base/version.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

constexpr char kUtc[] = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

// The guard trigger's body: approved_at is the server's clock, never the client's; an
// UPDATE may only set revoked_at, once; DELETE and TRUNCATE are refused. Owned by the DBA
// (who runs the DDL), with a fixed search_path.
std::string GuardFunction(const std::string& guard) {
  return "CREATE OR REPLACE FUNCTION " + guard +
         "() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $guard$\n"
         "BEGIN\n"
         "  IF TG_OP = 'INSERT' THEN\n"
         "    NEW.approved_at := clock_timestamp();\n"
         "    NEW.revoked_at := NULL;\n"
         "    RETURN NEW;\n"
         "  END IF;\n"
         "  IF TG_OP = 'UPDATE' AND OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL\n"
         "     AND NEW.plan_sha256 = OLD.plan_sha256 AND NEW.approver = OLD.approver\n"
         "     AND NEW.approved_at = OLD.approved_at AND NEW.note IS NOT DISTINCT FROM OLD.note\n"
         "     AND NEW.tool_version IS NOT DISTINCT FROM OLD.tool_version THEN\n"
         "    NEW.revoked_at := clock_timestamp();\n"
         "    RETURN NEW;\n"
         "  END IF;\n"
         "  RAISE EXCEPTION 'scope_migration_approvals: % refused: an approval is only ever "
         "recorded, then revoked once; nothing else changes and no row goes', TG_OP\n"
         "    USING ERRCODE = '42501';\n"
         "END\n"
         "$guard$";
}

// DROP POLICY IF EXISTS, then CREATE POLICY: PostgreSQL 15 has no CREATE POLICY IF NOT
// EXISTS, and this way a migration also replaces an earlier version's policy.
void Policy(std::vector<std::string>& out, const std::string& name, const std::string& table,
            const std::string& rest) {
  out.push_back("DROP POLICY IF EXISTS " + name + " ON " + table);
  out.push_back("CREATE POLICY " + name + " ON " + table + " " + rest);
}

}  // namespace

ApprovalLog::ApprovalLog(const std::string& schema, const Timeouts& timeouts)
    : schema_(schema), timeouts_(timeouts) {
  const std::string quoted = QuoteIdentifier(schema);
  approvals_ = quoted + "." + QuoteIdentifier("scope_migration_approvals");
  settings_ = quoted + "." + QuoteIdentifier("scope_migration_settings");
  guard_ = quoted + "." + QuoteIdentifier("scope_migration_approvals_guard");
}

std::vector<std::string> ApprovalLog::CreateStatements() const {
  const std::string schema = QuoteIdentifier(schema_);
  std::vector<std::string> out = {
      "CREATE TABLE IF NOT EXISTS " + approvals_ +
          " (plan_sha256 text NOT NULL, approver text NOT NULL, approved_at timestamptz NOT "
          "NULL DEFAULT clock_timestamp(), note text, tool_version text, revoked_at timestamptz)",
      // Earlier versions allowed one live approval per role and plan; a role now approves
      // again after a rollback, and approvals count per distinct approver.
      "DROP INDEX IF EXISTS " + schema + ".scope_migration_approvals_live",
      "CREATE INDEX IF NOT EXISTS scope_migration_approvals_plan ON " + approvals_ +
          " (plan_sha256)",
      "CREATE TABLE IF NOT EXISTS " + settings_ + " (key text PRIMARY KEY, value text NOT NULL)",
      GuardFunction(guard_),
      "DROP TRIGGER IF EXISTS scope_migration_approvals_guard ON " + approvals_,
      "CREATE TRIGGER scope_migration_approvals_guard BEFORE INSERT OR UPDATE OR DELETE ON " +
          approvals_ + " FOR EACH ROW EXECUTE FUNCTION " + guard_ + "()",
      "DROP TRIGGER IF EXISTS scope_migration_approvals_no_truncate ON " + approvals_,
      "CREATE TRIGGER scope_migration_approvals_no_truncate BEFORE TRUNCATE ON " + approvals_ +
          " FOR EACH STATEMENT EXECUTE FUNCTION " + guard_ + "()",
      "REVOKE ALL ON FUNCTION " + guard_ + "() FROM PUBLIC",
      "ALTER TABLE " + approvals_ + " ENABLE ROW LEVEL SECURITY",
      "ALTER TABLE " + approvals_ + " FORCE ROW LEVEL SECURITY",
      "ALTER TABLE " + settings_ + " ENABLE ROW LEVEL SECURITY",
      "ALTER TABLE " + settings_ + " FORCE ROW LEVEL SECURITY",
      "REVOKE ALL ON " + approvals_ + ", " + settings_ + " FROM PUBLIC"};
  Policy(out, "scope_migration_approvals_read", approvals_, "FOR SELECT USING (true)");
  Policy(out, "scope_migration_approvals_own", approvals_,
         "FOR INSERT WITH CHECK (approver = session_user::text)");
  Policy(out, "scope_migration_approvals_revoke", approvals_,
         "FOR UPDATE USING (approver = session_user::text AND revoked_at IS NULL) WITH CHECK "
         "(approver = session_user::text)");
  Policy(out, "scope_migration_settings_read", settings_, "FOR SELECT USING (true)");
  // Forced security binds the owner too: the DBA running this keeps writing the settings.
  Policy(out, "scope_migration_settings_dba", settings_,
         "FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)");
  return out;
}

std::vector<std::string> ApprovalLog::ApproverGrants(const std::string& role) const {
  return {"REVOKE ALL ON " + approvals_ + ", " + settings_ + " FROM " + role,
          "GRANT SELECT, INSERT (plan_sha256, approver, note, tool_version), UPDATE (revoked_at) "
          "ON " +
              approvals_ + " TO " + role};
}

std::vector<std::string> ApprovalLog::OperatorGrants(const std::string& role) const {
  return {"REVOKE ALL ON " + approvals_ + ", " + settings_ + " FROM " + role,
          "GRANT SELECT ON " + approvals_ + ", " + settings_ + " TO " + role};
}

bool ApprovalLog::Exists(pqxx::transaction_base& txn) const {
  return txn.exec_params("SELECT to_regclass($1) IS NOT NULL", approvals_)[0][0].as<bool>();
}

std::string ApprovalLog::Record(pqxx::transaction_base& txn, const std::string& plan_sha256,
                                const std::optional<std::string>& note) const {
  const pqxx::result r = NeedsPrivilege("INSERT on " + approvals_, [&] {
    return txn.exec_params("INSERT INTO " + approvals_ +
                               " (plan_sha256, approver, note, tool_version) VALUES ($1, "
                               "session_user, $2, $3) RETURNING to_char(approved_at AT TIME "
                               "ZONE 'UTC', " +
                               std::string(kUtc) + ")",
                           plan_sha256, note ? note->c_str() : nullptr, std::string(ToolVersion()));
  });
  return r[0][0].c_str();
}

size_t ApprovalLog::Revoke(pqxx::transaction_base& txn, const std::string& plan_sha256) const {
  const pqxx::result r = NeedsPrivilege("UPDATE (revoked_at) on " + approvals_, [&] {
    return txn.exec_params("UPDATE " + approvals_ +
                               " SET revoked_at = clock_timestamp() WHERE plan_sha256 = $1 AND "
                               "approver = session_user AND revoked_at IS NULL",
                           plan_sha256);
  });
  return r.affected_rows();
}

std::vector<Approval> ApprovalsOf(pqxx::transaction_base& txn,
                                  const std::vector<std::string>& tables,
                                  const std::string& plan_sha256, const ApprovalWindow& window,
                                  const std::string& except) {
  std::vector<Approval> out;
  if (tables.empty()) return out;
  std::string rows;
  for (const std::string& table : tables) {
    rows += std::string(rows.empty() ? "" : " UNION ALL ") +
            "SELECT approver, approved_at, note FROM " + table +
            " WHERE plan_sha256 = $1 AND ($3::timestamptz IS NULL OR approved_at > $3) AND "
            "($4::timestamptz IS NULL OR approved_at < $4) AND ($5 OR revoked_at IS NULL)";
  }
  const pqxx::result r = txn.exec_params(
      "SELECT approver, to_char(min(approved_at) AT TIME ZONE 'UTC', " + std::string(kUtc) +
          "), (array_agg(coalesce(note, '') ORDER BY approved_at))[1] FROM (" + rows +
          ") a WHERE approver <> $2 GROUP BY approver ORDER BY min(approved_at), approver",
      plan_sha256, except, window.after ? window.after->c_str() : nullptr,
      window.before ? window.before->c_str() : nullptr, window.with_revoked);
  for (const auto& row : r) out.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str()});
  return out;
}

std::string DescribeApprovals(const std::vector<Approval>& approvals) {
  std::string out;
  for (const Approval& a : approvals) {
    out += (out.empty() ? "" : ", ") + a.approver + " at " + a.approved_at;
  }
  return out;
}

}  // namespace scope_migrate
