// The health throttle on a real streaming standby (SPEC 11.2): with its replay paused the
// byte lag grows past --max-replica-lag-bytes and writes stop within one batch per job of
// the check that sees it (a healthy run checks once a second),
// then resume when replay does and the run finishes exact; a role that cannot read the
// replicas' lag waits and names the grant (fails closed); --max-replica-lag 0 opts out.
// --max-app-latency (SPEC 12.6): a slow probe pauses the run until its p99 is under the
// bound again; a probe that cannot run refuses the run.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::Count;
using testing::ExecSql;
using testing::PgHarness;
using testing::RunTool;

class ThrottleTest : public testing::DbTest {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    if (!PgHarness::Get().owned()) GTEST_SKIP() << "needs a cluster the harness starts";
    testing::LoadSamples(*conn_);
    dir_ = testing::MakeTempDir();
    plan_ = dir_ + "/plan.jsonl";
    const auto r =
        RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--out", plan_}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    PgHarness::Get().WaitForStandby();
    standby_ = std::make_unique<pqxx::connection>(
        "host=127.0.0.1 port=" + PgHarness::Get().StandbyPort() + " user=postgres dbname=postgres");
  }
  void TearDown() override {
    if (standby_) Replay("resume");
  }

  void Replay(const std::string& what) {
    pqxx::nontransaction(*standby_).exec("SELECT pg_wal_replay_" + what + "()");
  }

  bool WaitFor(const std::function<bool()>& condition) {
    for (int i = 0; i < 800; ++i) {
      try {
        if (condition()) return true;
      } catch (const std::exception&) {
        // the audit tables may not exist yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }

  long long KeysWritten() {
    return Count(*conn_, "SELECT count(DISTINCT api_key_id) FROM scope_migration_changes");
  }
  long long ChangeRows() { return Count(*conn_, "SELECT count(*) FROM scope_migration_changes"); }
  std::string RunColumn(const std::string& column) {
    pqxx::read_transaction txn(*conn_);
    const auto r = txn.exec("SELECT coalesce(" + column +
                            "::text, '') FROM scope_migration_runs WHERE run_id = 1");
    return r.empty() ? "" : r[0][0].c_str();
  }
  static bool Running(pid_t pid) { return kill(pid, 0) == 0; }

  std::string dir_, plan_;
  std::unique_ptr<pqxx::connection> standby_;
};

TEST_F(ThrottleTest, PausedReplayStopsWritesWithinABatchPerJobUntilItResumes) {
  const pid_t pid = testing::SpawnTool({"apply",
                                        plan_,
                                        "--allow-blocked",
                                        "--batch-size",
                                        "1",
                                        "--batch-time",
                                        "0",
                                        "--jobs",
                                        "2",
                                        "--pause",
                                        "150ms",
                                        "--max-replica-lag-bytes",
                                        "256kB",
                                        "--max-replica-lag",
                                        "1h",
                                        "--progress",
                                        "--progress-every",
                                        "100ms",
                                        "--metrics-file",
                                        dir_ + "/m.prom"},
                                       env_, dir_ + "/out", dir_ + "/err");
  ASSERT_TRUE(WaitFor([&] { return KeysWritten() > 0; })) << testing::ReadFile(dir_ + "/err");
  Replay("pause");
  // About 2 MB of WAL the standby does not replay: over the limit from its commit on.
  ExecSql(*conn_,
          "CREATE TABLE ballast AS SELECT repeat('x', 1000) AS x FROM "
          "generate_series(1, 2000)");
  ASSERT_TRUE(Running(pid)) << "the run finished before the standby fell behind";
  // A healthy run checks at most once a second (kHealthEveryMs): the first check after the
  // ballast holds the run.
  ASSERT_TRUE(WaitFor([&] {
    return testing::ReadFile(dir_ + "/err").find("throttled: replica lag") != std::string::npos;
  })) << testing::ReadFile(dir_ + "/err");
  const long long at_throttled = KeysWritten();
  // Each of the 2 jobs may commit the one batch it had started; then nothing, while held.
  for (int i = 0; i < 60; ++i) {
    ASSERT_LE(KeysWritten(), at_throttled + 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  const long long held_at = KeysWritten();
  EXPECT_LT(ChangeRows(), 312);
  EXPECT_TRUE(Running(pid));
  EXPECT_EQ(RunColumn("status"), "running");
  Replay("resume");
  EXPECT_EQ(testing::WaitTool(pid), 0) << testing::ReadFile(dir_ + "/err");
  EXPECT_GT(KeysWritten(), held_at);
  EXPECT_EQ(ChangeRows(), 312);
  testing::ExpectPlanApplied(*conn_, plan_);
  const std::string err = testing::ReadFile(dir_ + "/err");
  EXPECT_NE(err.find("scope-migrate: throttled: replica lag "), std::string::npos) << err;
  EXPECT_NE(err.find("over --max-replica-lag-bytes 256 kB\n"), std::string::npos) << err;
  EXPECT_NE(err.find("scope-migrate: resumed after "), std::string::npos) << err;
  EXPECT_EQ(RunColumn("status"), "succeeded");
  EXPECT_GT(std::stoll(RunColumn("throttled_ms")), 0);
  EXPECT_EQ(RunColumn("throttle_reasons").rfind("replica_lag=", 0), 0u)
      << RunColumn("throttle_reasons");
  const std::string metrics = testing::ReadFile(dir_ + "/m.prom");
  EXPECT_NE(metrics.find("scope_migrate_throttled_seconds{cause=\"replica_lag\"} "),
            std::string::npos)
      << metrics;
  EXPECT_EQ(metrics.find("scope_migrate_throttled_seconds{cause=\"replica_lag\"} 0\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("scope_migrate_run_status{status=\"succeeded\"} 1\n"), std::string::npos);
  const auto history = RunTool({"history"}, env_);
  EXPECT_NE(history.out.find("throttled "), std::string::npos) << history.out;
  const auto run = RunTool({"history", "--run", "1", "--format", "jsonl"}, env_);
  EXPECT_NE(run.out.find("\"throttle_reasons\":\"replica_lag="), std::string::npos) << run.out;
}

TEST_F(ThrottleTest, ARoleThatCannotReadTheLagWaitsAndNamesTheGrant) {
  const std::string role = "migrator_" + db_;
  ExecSql(*conn_, "CREATE ROLE " + role + " LOGIN");
  const auto grants = RunTool({"audit-sql", "--grant-to", role});
  ASSERT_EQ(grants.exit_code, 0) << grants.err;
  EXPECT_NE(grants.out.find("GRANT pg_monitor TO \"" + role + "\";\n"), std::string::npos)
      << grants.out;
  ExecSql(*conn_, grants.out);
  ExecSql(*conn_, "REVOKE pg_monitor FROM " + role);
  testing::Env env = env_;
  env["PGUSER"] = role;
  const pid_t pid = testing::SpawnTool({"apply", plan_, "--allow-blocked", "--quiet"}, env,
                                       dir_ + "/out", dir_ + "/err");
  const std::string said =
      "scope-migrate: throttled: lag unreadable: 1 of 1 replica in pg_stat_replication hide "
      "their lag from this role; GRANT pg_monitor TO " +
      role + " (`scope-migrate audit-sql --grant-to " + role +
      "` prints it), or pass --max-replica-lag 0 to write without checking replicas\n";
  ASSERT_TRUE(WaitFor([&] {
    return testing::ReadFile(dir_ + "/err").find(said) != std::string::npos;
  })) << testing::ReadFile(dir_ + "/err");
  EXPECT_EQ(ChangeRows(), 0);
  EXPECT_EQ(RunColumn("status"), "running");
  kill(pid, SIGINT);
  EXPECT_EQ(testing::WaitTool(pid), 130) << testing::ReadFile(dir_ + "/err");
  EXPECT_EQ(ChangeRows(), 0);
  EXPECT_EQ(RunColumn("status"), "interrupted");
  EXPECT_EQ(RunColumn("throttle_reasons").rfind("lag_unreadable=", 0), 0u)
      << RunColumn("throttle_reasons");

  // The same role opts out of the replica check and writes.
  const auto opted = RunTool({"apply", plan_, "--allow-blocked", "--max-replica-lag", "0"}, env);
  EXPECT_EQ(opted.exit_code, 0) << opted.err;
  EXPECT_EQ(ChangeRows(), 312);
}

TEST_F(ThrottleTest, MaxReplicaLagZeroWritesWithTheReplayPaused) {
  Replay("pause");
  ExecSql(*conn_,
          "CREATE TABLE ballast AS SELECT repeat('x', 1000) AS x FROM "
          "generate_series(1, 2000)");
  const auto r = RunTool({"apply", plan_, "--allow-blocked", "--max-replica-lag", "0",
                          "--max-replica-lag-bytes", "1kB"},
                         env_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  health   held while a logical slot lags over 1 GiB; replicas not "
                       "checked\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(ChangeRows(), 312);
  EXPECT_EQ(RunColumn("throttled_ms"), "0");
  EXPECT_EQ(RunColumn("throttle_reasons"), "");
}

// --max-app-latency (SPEC 12.6): while the application's probe is slow (here made slow by a
// flag table) the run pauses before it writes anything; once the probe's p99 over the last
// 10 s is under the bound again it resumes and finishes exact, and history says why it
// waited.
TEST_F(ThrottleTest, ASlowApplicationPausesTheRunUntilItsP99IsUnderTheBound) {
  ExecSql(*conn_, "CREATE TABLE app_slow AS SELECT 1 AS flag");
  const std::string probe = dir_ + "/probe.sql";
  testing::WriteFile(probe,
                     "SELECT pg_sleep(CASE WHEN EXISTS (SELECT FROM app_slow) THEN 0.06 ELSE 0 "
                     "END)\n");
  const pid_t pid = testing::SpawnTool({"apply", plan_, "--allow-blocked", "--max-app-latency",
                                        "25ms", "--probe-sql", probe, "--max-replica-lag", "0"},
                                       env_, dir_ + "/out", dir_ + "/err");
  const std::string said = "scope-migrate: throttled: application p99 ";
  ASSERT_TRUE(WaitFor([&] {
    return testing::ReadFile(dir_ + "/err").find(said) != std::string::npos;
  })) << testing::ReadFile(dir_ + "/err");
  const std::string err = testing::ReadFile(dir_ + "/err");
  EXPECT_NE(err.find(" (" + probe + ") over --max-app-latency 25.0ms\n"), std::string::npos) << err;
  EXPECT_EQ(ChangeRows(), 0);
  EXPECT_EQ(RunColumn("status"), "running");
  ExecSql(*conn_, "DELETE FROM app_slow");
  EXPECT_EQ(testing::WaitTool(pid), 0) << testing::ReadFile(dir_ + "/err");
  EXPECT_NE(testing::ReadFile(dir_ + "/err").find("scope-migrate: resumed after "),
            std::string::npos);
  EXPECT_NE(testing::ReadFile(dir_ + "/err").find("s throttled (app_latency)\n"),
            std::string::npos)
      << testing::ReadFile(dir_ + "/err");
  EXPECT_EQ(ChangeRows(), 312);
  EXPECT_EQ(RunColumn("status"), "succeeded");
  EXPECT_EQ(RunColumn("throttle_reasons").rfind("app_latency=", 0), 0u)
      << RunColumn("throttle_reasons");
  EXPECT_GE(std::stoll(RunColumn("throttled_ms")), 8000);  // the slow samples leave the window
}

// A probe that cannot run, or one flag without the other, refuses the run before anything
// is written.
TEST_F(ThrottleTest, AProbeThatCannotRunRefusesTheRun) {
  const std::string probe = dir_ + "/probe.sql";
  testing::WriteFile(probe, "DELETE FROM api_key_scopes");
  const auto write = RunTool({"apply", plan_, "--allow-blocked", "--max-app-latency", "25ms",
                              "--probe-sql", probe},
                             env_);
  EXPECT_EQ(write.exit_code, 64);
  EXPECT_EQ(write.err, "scope-migrate: --probe-sql " + probe +
                           ": the statement cannot run as the probe (ERROR:  cannot execute "
                           "DELETE in a read-only transaction); it must be one read-only "
                           "statement this role may run. Nothing was written\n");
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs"), 0);
  EXPECT_EQ(ChangeRows(), 0);
  const auto alone = RunTool({"apply", plan_, "--allow-blocked", "--max-app-latency", "25ms"}, env_);
  EXPECT_EQ(alone.exit_code, 64);
  EXPECT_EQ(alone.err,
            "scope-migrate: --max-app-latency needs --probe-sql FILE: the statement to time\n"
            "see `scope-migrate apply --help`\n");
  testing::WriteFile(probe, " ;\n");
  const auto empty = RunTool({"apply", plan_, "--allow-blocked", "--max-app-latency", "25ms",
                              "--probe-sql", probe},
                             env_);
  EXPECT_EQ(empty.exit_code, 65);
  EXPECT_EQ(empty.err, "scope-migrate: " + probe +
                           ": holds no statement to time\nsee `scope-migrate apply --help`\n");
}

}  // namespace
}  // namespace scope_migrate
