// Database tests of SPEC 11.5's hostile database values and setups: a scopes table without
// a primary key holding a scope twice.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/db_util.h"
#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::Count;
using testing::RunTool;
using testing::ToolResult;

constexpr char kMapping[] = "mappings/legacy-roles.yaml";
constexpr char kKey1[] = "00000000-0000-4000-8000-000000000001";

class HostileDbTest : public testing::DbTest {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    testing::LoadSamples(*conn_);
    dir_ = testing::MakeTempDir();
  }

  ToolResult Run(const std::vector<std::string>& args) { return RunTool(args, env_); }

  // The key line of `id` in a jsonl plan printed on stdout.
  static nlohmann::json KeyLine(const std::string& plan, const std::string& id) {
    std::istringstream in(plan);
    for (std::string line; std::getline(in, line);) {
      const nlohmann::json j = nlohmann::json::parse(line);
      if (j["type"] == "key" && j["id"] == id) return j;
    }
    ADD_FAILURE() << "no key " << id;
    return {};
  }

  std::string dir_;
};

// Regression (case 6): with no primary key on the scopes table a scope held twice was
// removed as two scopes (counted and audited twice) and the key's counts went wrong.
TEST_F(HostileDbTest, AScopeHeldTwiceIsOneScope) {
  testing::ExecSql(*conn_,
                   "ALTER TABLE api_key_scopes DROP CONSTRAINT api_key_scopes_pkey;"
                   "INSERT INTO api_key_scopes VALUES ('" +
                       std::string(kKey1) + "', 'beta-preview'), ('" + kKey1 +
                       "', 'beta-preview')");
  const std::string plan = dir_ + "/p.jsonl";
  const ToolResult p = Run({"plan", "--mapping", kMapping, "--prune", "--key", kKey1, "--format",
                            "jsonl", "--out", plan});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_NE(p.err.find("note: 1 keys hold a scope twice (no unique index on (key, scope)?): " +
                       std::string(kKey1) +
                       "; each such scope counts once, and apply removes every row of a scope "
                       "it removes\n"),
            std::string::npos)
      << p.err;
  const nlohmann::json key = KeyLine(p.out, kKey1);
  EXPECT_EQ(key["current"], nlohmann::json::array({"beta-preview"})) << p.out;
  EXPECT_EQ(key["extra"], nlohmann::json::array({"beta-preview"}));  // removed with --prune
  EXPECT_EQ(key["status"], "change");
  const ToolResult a = Run({"apply", plan, "--quiet"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("scopes added, 1 removed, in 1 committed batch"), std::string::npos)
      << a.out;
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE api_key_id = '" +
                              std::string(kKey1) + "' AND action = 'remove'"),
            1);
  EXPECT_EQ(Count(*conn_,
                  "SELECT count(*) FROM api_key_scopes WHERE scope = 'beta-preview' AND "
                  "api_key_id = '" +
                      std::string(kKey1) + "'"),
            0);
  const ToolResult again = Run(
      {"plan", "--mapping", kMapping, "--prune", "--key", kKey1, "--format", "jsonl", "--quiet"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(KeyLine(again.out, kKey1)["status"], "unchanged");
}

// Regression (case 12): a --jobs connection refused after the lease was taken (too many
// connections) ended the process with 1 and left the run 'running', with no message and
// no resume hint.
TEST_F(HostileDbTest, AJobConnectionRefusedEndsTheRunFailedWithAResumeHint) {
  const std::string role = "limited_" + db_;
  testing::ExecSql(*conn_, "DROP ROLE IF EXISTS " + role + "; CREATE ROLE " + role +
                               " LOGIN CONNECTION LIMIT 2");
  const ToolResult sql = Run({"audit-sql", "--grant-to", role});
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  testing::ExecSql(*conn_, sql.out);
  const std::string plan = dir_ + "/p.jsonl";
  ASSERT_EQ(Run({"plan", "--mapping", kMapping, "--out", plan, "--quiet"}).exit_code, 0);
  testing::Env env = env_;
  env["PGUSER"] = role;
  const ToolResult r =
      RunTool({"apply", plan, "--allow-blocked", "--jobs", "4", "--no-progress"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("of --jobs 4: cannot connect to PostgreSQL"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("too many connections for role"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("; committed batches stay. Resume with: scope-migrate apply " + plan +
                       " --allow-blocked --jobs 4 --no-progress\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Count(*conn_,
                  "SELECT count(*) FROM scope_migration_runs WHERE status = 'failed' "
                  "AND message LIKE '%of --jobs 4: cannot connect to PostgreSQL%'"),
            1);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 0);
  // The lease was released: the resume with fewer jobs runs at once.
  const ToolResult resumed = RunTool({"apply", plan, "--allow-blocked", "--no-progress"}, env);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
  testing::ExecSql(*conn_, "DROP OWNED BY " + role + "; DROP ROLE " + role);
}

// Regression (case 13): with the keys table unqualified and found under a search_path
// other than public, audit-sql printed the tables and GRANTs for "public" while apply
// created the audit tables in the search_path's schema.
TEST_F(HostileDbTest, AuditSqlFindsTheKeysTableAsApplyDoes) {
  testing::ExecSql(*conn_,
                   "CREATE SCHEMA billing;"
                   "ALTER TABLE api_keys SET SCHEMA billing;"
                   "ALTER TABLE api_key_roles SET SCHEMA billing;"
                   "ALTER TABLE api_key_scopes SET SCHEMA billing;"
                   "ALTER DATABASE " +
                       db_ + " SET search_path = billing");
  const std::string db = testing::PgHarness::Get().Conninfo(db_);
  const ToolResult resolved = Run({"audit-sql", "--db", db, "--grant-to", "migrator"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  EXPECT_EQ(resolved.err, "");
  EXPECT_NE(resolved.out.find("in schema \"billing\" (that of the keys table"), std::string::npos)
      << resolved.out;
  EXPECT_NE(resolved.out.find("CREATE TABLE IF NOT EXISTS \"billing\".\"scope_migration_runs\""),
            std::string::npos);
  EXPECT_NE(
      resolved.out.find("GRANT SELECT ON \"billing\".\"api_keys\", \"billing\".\"api_key_roles\""),
      std::string::npos)
      << resolved.out;
  EXPECT_EQ(resolved.out.find("\"public\""), std::string::npos) << resolved.out;
  // apply puts the audit tables where audit-sql --db said.
  const std::string plan = dir_ + "/p.jsonl";
  ASSERT_EQ(Run({"plan", "--mapping", kMapping, "--out", plan, "--quiet"}).exit_code, 0);
  ASSERT_EQ(Run({"apply", plan, "--allow-blocked", "--quiet"}).exit_code, 0);
  EXPECT_EQ(Count(*conn_,
                  "SELECT count(*) FROM pg_tables WHERE schemaname = 'billing' AND "
                  "tablename = 'scope_migration_runs'"),
            1);
  // Without --db it cannot know, and says what it assumed.
  const ToolResult assumed = RunTool({"audit-sql"});
  ASSERT_EQ(assumed.exit_code, 0);
  const std::string note =
      "the layout does not qualify the keys table \"api_keys\", so schema \"public\" is "
      "assumed; apply uses the schema where its search_path finds it. Pass --db CONNINFO to "
      "resolve it as apply does, or --audit-schema NAME";
  EXPECT_EQ(assumed.err, "note: " + note + "\n");
  EXPECT_NE(assumed.out.find("-- Note: " + note + ".\n"), std::string::npos) << assumed.out;
  EXPECT_EQ(RunTool({"audit-sql", "--audit-schema", "audit"}).err, "");
}

// Regression (issue 27, finding 7): an approver's role name holding a newline, ANSI
// escapes and U+202E forged lines in apply's stdout (show and history escaped it).
TEST_F(HostileDbTest, AnApproversNameIsEscapedInApplysOutput) {
  const std::string plan = dir_ + "/p.jsonl";
  ASSERT_EQ(
      Run({"plan", "--mapping", kMapping, "--tenant", "acme", "--out", plan, "--quiet"}).exit_code,
      0);
  // The DBA makes the tables (audit-sql); a role with that name approves (the superuser
  // writes its row here: the policies bind every other role to its own name).
  testing::ExecSql(*conn_, "CREATE ROLE approver_" + db_);
  const ToolResult sql = Run({"audit-sql", "--grant-to", "approver_" + db_, "--approver"});
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  testing::ExecSql(*conn_, sql.out);
  const std::string text = testing::ReadFile(plan);
  const std::string sha = text.substr(text.rfind("\"sha256\":\"") + 10, 64);
  testing::ExecSql(*conn_,
                   "INSERT INTO scope_migration_approvals (plan_sha256, approver) VALUES ('" +
                       sha + "', E'eve\\napply run 9 succeeded\\x1b[2J\\u202Eevil')");
  const ToolResult r = Run({"apply", plan, "--allow-blocked", "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  approved by eve\\napply run 9 succeeded\\x1b[2J\\u202eevil at "),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("\x1b"), std::string::npos);
  EXPECT_EQ(r.out.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_EQ(r.out.find("\napply run 9"), std::string::npos);
}

// Regression (issue 27, finding 14): a trigger's error text with ESC bytes and a newline
// reached stderr raw, repainting the terminal and forging a line.
TEST_F(HostileDbTest, ADatabaseErrorTextIsEscapedOnStderr) {
  testing::ExecSql(*conn_,
                   "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "RAISE EXCEPTION E'no\\x1b[2J\\nscope-migrate: all done'; END $$;"
                   "CREATE TRIGGER refuse BEFORE INSERT ON api_key_scopes "
                   "FOR EACH ROW EXECUTE FUNCTION refuse()");
  const std::string plan = dir_ + "/p.jsonl";
  ASSERT_EQ(Run({"plan", "--mapping", kMapping, "--out", plan, "--quiet"}).exit_code, 0);
  const ToolResult r = Run({"apply", plan, "--allow-blocked", "--no-progress"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("no\\x1b[2J\\nscope-migrate: all done"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("\nscope-migrate: all done"), std::string::npos) << r.err;
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 0);
}

}  // namespace
}  // namespace scope_migrate
