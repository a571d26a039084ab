// The setups real platforms run, on real servers the harness starts: PgBouncer in
// transaction pooling mode in front of the test PostgreSQL, roles with only the documented
// grants, a streaming hot standby made with pg_basebackup -R, and `timestamp without time
// zone` columns planned under several server time zones.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "support/db_util.h"
#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::Count;
using testing::DataDigest;
using testing::ExecSql;
using testing::PgHarness;
using testing::ReadFile;
using testing::RunTool;
using testing::ToolResult;

constexpr char kMapping[] = "mappings/legacy-roles.yaml";

class SetupsTest : public testing::DbTest {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    if (!PgHarness::Get().owned()) GTEST_SKIP() << "needs a cluster the harness starts";
    dir_ = testing::MakeTempDir();
  }

  // The environment of a tool that connects through `port` as `user`.
  testing::Env Via(const std::string& port, const std::string& user = "postgres") const {
    testing::Env env = env_;
    env["PGPORT"] = port;
    env["PGUSER"] = user;
    return env;
  }

  std::string Plan(const testing::Env& env, const std::vector<std::string>& extra = {},
                   const std::string& name = "plan.jsonl") {
    const std::string path = dir_ + "/" + name;
    std::vector<std::string> args = {"plan", "--mapping", kMapping, "--out",
                                     path,   "--format",  "jsonl"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ToolResult r = RunTool(args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return path;
  }

  std::string RunStatus(int run) {
    pqxx::read_transaction txn(*conn_);
    const auto r = txn.exec_params(
        "SELECT status || coalesce(' ' || taken_over_by, '') FROM scope_migration_runs "
        "WHERE run_id = $1",
        run);
    return r.empty() ? "" : r[0][0].c_str();
  }

  bool WaitFor(const std::function<bool()>& condition, double seconds = 20) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      try {
        if (condition()) return true;
      } catch (const std::exception&) {
        // the audit tables may not exist yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }

  long long ChangeRows() { return Count(*conn_, "SELECT count(*) FROM scope_migration_changes"); }

  // A login role of this test only (roles belong to the whole cluster).
  std::string Role(const std::string& what) {
    const std::string name = what + "_" + db_;
    ExecSql(*conn_, "CREATE ROLE " + name + " LOGIN");
    return name;
  }

  std::string dir_;
};

// Two other clients' short transactions through the pooler (a pool of two) while a test
// runs, so that one client's consecutive transactions land on different server
// connections, as on a busy production pooler.
class PoolerNoise {
 public:
  PoolerNoise(const std::string& port, const std::string& db) {
    for (int i = 0; i < 2; ++i) {
      threads_.emplace_back([this, port, db] {
        pqxx::connection conn("host=127.0.0.1 port=" + port + " user=postgres dbname=" + db);
        while (!stop_) {
          pqxx::work txn(conn);
          txn.exec("SELECT pg_sleep(0.005)");
          txn.commit();
        }
      });
    }
  }
  ~PoolerNoise() {
    stop_ = true;
    for (auto& thread : threads_) thread.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// How many server backends eight transactions of one client ran on.
long long BackendsOfOneClient(const std::string& port, const std::string& db) {
  pqxx::connection conn("host=127.0.0.1 port=" + port + " user=postgres dbname=" + db);
  std::set<std::string> pids;
  for (int i = 0; i < 8; ++i) {
    pqxx::work txn(conn);
    pids.insert(txn.exec("SELECT pg_backend_pid(), pg_sleep(0.01)")[0][0].c_str());
    txn.commit();
  }
  return static_cast<long long>(pids.size());
}

// ---- PgBouncer, transaction pooling ------------------------------------------------------

// Regression: through a transaction pooler apply failed at batch 9 (its temporary table
// lived on another server connection) and left a session advisory lock behind.
TEST_F(SetupsTest, PoolerAppliesWithPruneInManyBatchesAndRollsBack) {
  testing::LoadSamples(*conn_);
  const std::string before = DataDigest(*conn_);
  const auto pooler = Via(PgHarness::Get().BouncerPort());
  PoolerNoise noise(PgHarness::Get().BouncerPort(), db_);
  // The setup that broke the temporary table: a client's transactions move between servers.
  ASSERT_GT(BackendsOfOneClient(PgHarness::Get().BouncerPort(), db_), 1);
  const std::string plan = Plan(pooler, {"--prune"});
  const ToolResult apply = RunTool({"apply", plan, "--allow-blocked", "--batch-size", "2"}, pooler);
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_NE(apply.out.find("apply run 1 succeeded: 34 keys changed, 312 scopes added, 5 removed, "
                           "in 17 committed batches"),
            std::string::npos)
      << apply.out;
  testing::ExpectPlanApplied(*conn_, plan);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE action = 'remove'"),
            5);
  EXPECT_EQ(testing::LeasesLeft(*conn_), 0);

  const ToolResult history = RunTool({"history"}, pooler);
  EXPECT_EQ(history.exit_code, 0) << history.err;
  const ToolResult rollback =
      RunTool({"rollback", "--run", "1", "--yes", "--batch-size", "3"}, pooler);
  ASSERT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(DataDigest(*conn_), before);
  EXPECT_EQ(RunStatus(1), "rolled-back");
  EXPECT_EQ(RunStatus(2), "succeeded");
  EXPECT_EQ(testing::LeasesLeft(*conn_), 0);
}

TEST_F(SetupsTest, PoolerSecondConcurrentApplyExits5) {
  testing::LoadSamples(*conn_);
  const auto pooler = Via(PgHarness::Get().BouncerPort());
  const std::string plan = Plan(pooler);
  const pid_t first = testing::SpawnTool(
      {"apply", plan, "--allow-blocked", "--batch-size", "2", "--pause", "300ms"}, pooler,
      dir_ + "/first.out", dir_ + "/first.err");
  const bool running = WaitFor([&] { return RunStatus(1) == "running"; });
  if (!running) kill(first, SIGKILL);
  ASSERT_TRUE(running) << ReadFile(dir_ + "/first.err");
  const ToolResult second = RunTool({"apply", plan, "--allow-blocked"}, pooler);
  EXPECT_EQ(second.exit_code, 5) << second.out << second.err;
  EXPECT_NE(second.err.find("holds the lease on this database: run 1 (apply"), std::string::npos)
      << second.err;
  EXPECT_EQ(testing::WaitTool(first), 0) << ReadFile(dir_ + "/first.err");
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs"), 1);
  EXPECT_EQ(ChangeRows(), 312);
  testing::ExpectPlanApplied(*conn_, plan);
}

TEST_F(SetupsTest, PoolerKillDashNineThenResumeLeavesNoLease) {
  testing::LoadSamples(*conn_);
  const auto pooler = Via(PgHarness::Get().BouncerPort());
  const std::string plan = Plan(pooler);
  const std::vector<std::string> args = {"apply",   plan,   "--allow-blocked", "--batch-size", "3",
                                         "--pause", "200ms"};
  const pid_t pid = testing::SpawnTool(args, pooler, dir_ + "/k.out", dir_ + "/k.err");
  const bool started = WaitFor([&] { return ChangeRows() > 0; });
  kill(pid, SIGKILL);
  EXPECT_EQ(testing::WaitTool(pid), 128 + SIGKILL);
  ASSERT_TRUE(started) << ReadFile(dir_ + "/k.err");
  const long long written = ChangeRows();
  EXPECT_LT(written, 312);
  EXPECT_EQ(RunStatus(1), "running");

  const ToolResult resumed = RunTool(args, pooler);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.err.find("its process " + std::to_string(pid)), std::string::npos)
      << resumed.err;
  EXPECT_EQ(RunStatus(1), "interrupted 2");
  EXPECT_EQ(RunStatus(2), "succeeded");
  EXPECT_EQ(ChangeRows(), 312);
  testing::ExpectPlanApplied(*conn_, plan);
  EXPECT_EQ(testing::LeasesLeft(*conn_), 0);
}

// ---- least privilege -----------------------------------------------------------------------

// The part of `audit-sql --grant-to ROLE` before the apply section: the DDL and plan's grants.
std::string PlanPart(const std::string& audit_sql) {
  return audit_sql.substr(0, audit_sql.find("-- apply and rollback"));
}

// Regression: with pre-created audit tables and exactly the documented grants, apply ran
// CREATE SCHEMA and failed with "permission denied for database".
TEST_F(SetupsTest, RolesWithTheDocumentedGrantsPlanAndApply) {
  testing::LoadSamples(*conn_);
  const std::string before = DataDigest(*conn_);
  const std::string planner_role = Role("planner"), migrator_role = Role("migrator");
  const ToolResult grants = RunTool({"audit-sql", "--grant-to", migrator_role});
  ASSERT_EQ(grants.exit_code, 0) << grants.err;
  ExecSql(*conn_, grants.out);
  ExecSql(*conn_, PlanPart(RunTool({"audit-sql", "--grant-to", planner_role}).out));
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM (VALUES (has_database_privilege('" + migrator_role +
                              "', current_database(), 'CREATE')), "
                              "(has_schema_privilege('" +
                              migrator_role + "', 'public', 'CREATE'))) v(p) WHERE p"),
            0);

  const auto planner = Via(PgHarness::Get().port(), planner_role);
  const std::string plan = Plan(planner);
  const ToolResult refused = RunTool({"apply", plan, "--allow-blocked"}, planner);
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("(SQLSTATE 42501): this needs"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("audit-sql --grant-to ROLE"), std::string::npos) << refused.err;
  EXPECT_EQ(DataDigest(*conn_), before);

  const auto migrator = Via(PgHarness::Get().port(), migrator_role);
  const ToolResult apply =
      RunTool({"apply", plan, "--allow-blocked", "--batch-size", "5"}, migrator);
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  testing::ExpectPlanApplied(*conn_, plan);
  EXPECT_EQ(RunTool({"history"}, migrator).exit_code, 0);
  const ToolResult rollback = RunTool({"rollback", "--run", "1", "--yes"}, migrator);
  ASSERT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  EXPECT_EQ(DataDigest(*conn_), before);
}

// A role granted the audit tables of schema "audit" that forgets --audit-schema meets a
// permission error on those in "public": the error points at the other schema.
TEST_F(SetupsTest, PermissionErrorOnTheAuditTablesSuggestsTheOtherAuditSchema) {
  testing::LoadSamples(*conn_);
  const std::string name = Role("forgetful");
  ExecSql(*conn_, RunTool({"audit-sql", "--audit-schema", "audit", "--grant-to", name}).out);
  ExecSql(*conn_, RunTool({"audit-sql"}).out);  // "public" too, without grants to the role
  const auto role = Via(PgHarness::Get().port(), name);
  const ToolResult r = RunTool({"history"}, role);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("(SQLSTATE 42501): this needs SELECT on "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(". Schema \"audit\" of this database also has scope_migration_runs: if "
                       "those are the audit tables meant, add --audit-schema audit\n"),
            std::string::npos)
      << r.err;
  const ToolResult ok = RunTool({"history", "--audit-schema", "audit"}, role);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  // With --audit-schema given, no guessing.
  const ToolResult given = RunTool({"history", "--audit-schema", "public"}, role);
  EXPECT_EQ(given.exit_code, 1);
  EXPECT_EQ(given.err.find("Schema \"audit\""), std::string::npos) << given.err;
}

TEST_F(SetupsTest, MissingInsertPrivilegeNamesTheObjectAndThePrivilege) {
  testing::LoadSamples(*conn_);
  const std::string before = DataDigest(*conn_);
  const std::string name = Role("no_insert");
  ExecSql(*conn_, RunTool({"audit-sql", "--grant-to", name}).out);
  ExecSql(*conn_, "REVOKE INSERT ON api_key_scopes FROM " + name);
  const auto role = Via(PgHarness::Get().port(), name);
  const std::string plan = Plan(role);
  const ToolResult r = RunTool({"apply", plan, "--allow-blocked"}, role);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("permission denied for table api_key_scopes (SQLSTATE 42501): this needs "
                       "INSERT on \"api_key_scopes\""),
            std::string::npos)
      << r.err;
  EXPECT_EQ(DataDigest(*conn_), before);
  EXPECT_EQ(RunStatus(1), "failed");
}

TEST_F(SetupsTest, AuditTablesAnUnprivilegedRoleCannotCreateAreExplained) {
  testing::LoadSamples(*conn_);
  const std::string name = Role("creator");
  ExecSql(*conn_, "GRANT SELECT, UPDATE ON api_keys TO " + name +
                      "; GRANT SELECT ON "
                      "api_key_roles TO " +
                      name +
                      "; GRANT SELECT, INSERT, DELETE ON api_key_scopes "
                      "TO " +
                      name);
  const auto role = Via(PgHarness::Get().port(), name);
  const ToolResult r = RunTool({"apply", "--mapping", kMapping, "--yes", "--allow-blocked"}, role);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("the audit tables need creating (table \"public\".\"scope_migration_runs\""),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("audit-sql --audit-schema public --grant-to ROLE"), std::string::npos)
      << r.err;
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM pg_class WHERE relname LIKE 'scope_migration%'"),
            0);
}

// ---- hot standby ---------------------------------------------------------------------------

TEST_F(SetupsTest, StandbyPlansLikeThePrimaryAndRefusesApply) {
  testing::LoadSamples(*conn_);
  const std::string before = DataDigest(*conn_);
  const std::string primary_plan = Plan(env_, {}, "primary.jsonl");
  PgHarness::Get().WaitForStandby();
  const auto standby = Via(PgHarness::Get().StandbyPort());
  const std::string standby_plan = Plan(standby, {}, "standby.jsonl");
  // The same plan but for the source line (and the checksum over it).
  auto body = [](const std::string& path) {
    std::string text = ReadFile(path);
    text = text.substr(text.find('\n'));
    return text.substr(0, text.rfind("\"sha256\""));
  };
  EXPECT_EQ(body(standby_plan), body(primary_plan));

  const ToolResult apply = RunTool({"apply", standby_plan, "--allow-blocked"}, standby);
  EXPECT_EQ(apply.exit_code, 1) << apply.err;
  EXPECT_NE(apply.err.find("is a hot standby (in recovery)"), std::string::npos) << apply.err;
  const ToolResult direct = RunTool({"apply", "--mapping", kMapping, "--yes"}, standby);
  EXPECT_EQ(direct.exit_code, 1) << direct.err;
  EXPECT_NE(direct.err.find("hot standby"), std::string::npos) << direct.err;
  EXPECT_EQ(DataDigest(*conn_), before);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM pg_class WHERE relname LIKE 'scope_migration%'"),
            0);
  // The standby's plan applies to its primary: the same cluster (system_identifier) and
  // database, so no refusal and no note.
  const ToolResult on_primary = RunTool({"apply", standby_plan, "--allow-blocked"}, env_);
  EXPECT_EQ(on_primary.exit_code, 0) << on_primary.err;
  EXPECT_EQ(on_primary.err.find("was made on"), std::string::npos) << on_primary.err;
}

// ---- timestamp without time zone -----------------------------------------------------------

const char kLocalSchema[] = R"(
CREATE TABLE api_keys (id text PRIMARY KEY, tenant_id text, name text,
                       created_at timestamp, revoked_at timestamp);
CREATE TABLE api_key_roles (api_key_id text REFERENCES api_keys(id), role text NOT NULL);
CREATE TABLE api_key_scopes (api_key_id text REFERENCES api_keys(id), scope text NOT NULL,
                             PRIMARY KEY (api_key_id, scope));
INSERT INTO api_keys VALUES
  ('k1', 'acme', 'one', '2026-03-22 22:30:00', NULL),   -- Berlin 22:30 = 21:30Z: legacy
  ('k2', 'acme', 'two', '2026-03-22 23:59:59', NULL),   -- 22:59:59Z: legacy
  ('k3', 'acme', 'three', '2026-03-23 00:00:00', NULL), -- 23:00Z, the cutoff: not legacy
  ('k4', 'acme', 'four', '2026-03-23 00:30:00', NULL),  -- not legacy
  ('k5', 'acme', 'five', NULL, NULL),                   -- blocked
  ('k6', 'acme', 'six', '2025-01-01 00:00:00', '2026-01-01 00:00:00');  -- revoked
INSERT INTO api_key_roles VALUES ('k1', 'Auditor'), ('k2', 'Beta preview'), ('k3', 'Auditor'),
  ('k4', 'Auditor'), ('k5', 'Auditor'), ('k6', 'Auditor');
)";

// Regression: which keys were legacy depended on the server's TimeZone, and keys the SQL
// filter selected were then dropped by the decision, which read the value as UTC.
TEST_F(SetupsTest, TimestampColumnsPlanTheSameUnderEveryServerTimeZone) {
  ExecSql(*conn_, kLocalSchema);
  const std::string layout = dir_ + "/layout.yaml";
  testing::WriteFile(layout, "keys: {timezone: Europe/Berlin}\n");
  std::string first;
  for (const char* zone :
       {"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati"}) {
    ExecSql(*conn_, std::string("ALTER DATABASE ") + db_ + " SET timezone = '" + zone + "'");
    const std::string plan = Plan(env_, {"--layout", layout}, std::string(zone).substr(0, 4));
    const std::string text = ReadFile(plan);
    if (first.empty()) first = text;
    EXPECT_EQ(text, first) << "the plan differs under " << zone;
  }
  // The session's zone does not matter either.
  testing::Env tokyo = env_;
  tokyo["PGTZ"] = "Asia/Tokyo";
  EXPECT_EQ(ReadFile(Plan(tokyo, {"--layout", layout}, "pgtz")), first);

  EXPECT_NE(first.find("\"id\":\"k1\",\"tenant\":\"acme\",\"name\":\"one\",\"status\":\"change\""),
            std::string::npos);
  EXPECT_NE(first.find("\"id\":\"k2\",\"tenant\":\"acme\",\"name\":\"two\",\"status\":\"change\""),
            std::string::npos);
  EXPECT_EQ(first.find("\"id\":\"k3\""), std::string::npos);
  EXPECT_EQ(first.find("\"id\":\"k4\""), std::string::npos);
  EXPECT_NE(first.find("\"excluded_post_cutoff\":2"), std::string::npos) << first;
  EXPECT_NE(first.find("\"reason\":\"missing created_at\""), std::string::npos);
}

TEST_F(SetupsTest, TimestampColumnWithoutAZoneOrOfAnotherTypeExits65) {
  ExecSql(*conn_, kLocalSchema);
  const ToolResult none = RunTool({"plan", "--mapping", kMapping}, env_);
  EXPECT_EQ(none.exit_code, 65) << none.err;
  EXPECT_NE(none.err.find("column \"created_at\" of table \"api_keys\" is timestamp without time "
                          "zone: name the zone"),
            std::string::npos)
      << none.err;

  const std::string layout = dir_ + "/bad-zone.yaml";
  testing::WriteFile(layout, "keys: {timezone: Mars/Olympus}\n");
  const ToolResult bad = RunTool({"plan", "--mapping", kMapping, "--layout", layout}, env_);
  EXPECT_EQ(bad.exit_code, 65) << bad.err;
  EXPECT_NE(bad.err.find("time zone \"Mars/Olympus\" is not known"), std::string::npos) << bad.err;

  ExecSql(*conn_, "ALTER TABLE api_keys ALTER created_at TYPE date");
  const ToolResult date = RunTool({"plan", "--mapping", kMapping}, env_);
  EXPECT_EQ(date.exit_code, 65) << date.err;
  EXPECT_NE(date.err.find("column \"created_at\" of table \"api_keys\" is date: it must be "
                          "timestamptz"),
            std::string::npos)
      << date.err;
}

}  // namespace
}  // namespace scope_migrate
