// Production manners on a real PostgreSQL: subset runs, lock timeouts, clean interruption
// by SIGINT/SIGTERM (and a second signal), --pause spacing the batches and --pause-file
// holding them back, --log-format json.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/db_util.h"
#include "support/pg_harness.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

using testing::DbTest;
using testing::RunTool;

const char kKey01[] = "00000000-0000-4000-8000-000000000001";
const char kKey11[] = "00000000-0000-4000-8000-000000000011";
const char kKey12[] = "00000000-0000-4000-8000-000000000012";

class ProductionTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    testing::LoadSamples(*conn_);
    dir_ = testing::MakeTempDir();
    plan_ = dir_ + "/plan.jsonl";
    const auto result =
        RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--out", plan_}, env_);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  long long ChangeRows() {
    return testing::Count(*conn_, "SELECT count(*) FROM scope_migration_changes");
  }
  bool AuditExists() {
    return testing::Count(
               *conn_, "SELECT count(*) FROM pg_class WHERE relname = 'scope_migration_changes'") >
           0;
  }
  // Polls until the spawned apply has committed at least one batch.
  void WaitForFirstBatch() {
    for (int i = 0; i < 400; ++i) {
      if (AuditExists() && ChangeRows() > 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL() << "the apply never committed a batch";
  }
  std::string RunStatus(int run) {
    pqxx::read_transaction txn(*conn_);
    return txn
        .exec("SELECT status FROM scope_migration_runs WHERE run_id = " + std::to_string(run))[0][0]
        .c_str();
  }
  long long RunCount() {
    return testing::Count(*conn_, "SELECT count(*) FROM scope_migration_runs");
  }
  std::string Heartbeat() {
    pqxx::read_transaction txn(*conn_);
    return txn.exec("SELECT heartbeat_at::text FROM scope_migration_runs WHERE run_id = 1")[0][0]
        .c_str();
  }
  long long AdvisoryLocks() {
    return testing::Count(*conn_, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'");
  }
  // Every change key has either none or all of its planned scopes: nothing half-written.
  void ExpectNoKeyHalfWritten() {
    const long long partial = testing::Count(*conn_, R"(
      WITH audit AS (SELECT api_key_id, count(*) AS n FROM scope_migration_changes GROUP BY 1)
      SELECT count(*) FROM audit a WHERE a.n <> (SELECT count(*) FROM scope_migration_changes c
        JOIN api_key_scopes s ON s.api_key_id::text = c.api_key_id AND s.scope = c.scope
        WHERE c.api_key_id = a.api_key_id))");
    EXPECT_EQ(partial, 0);
  }
  void ExpectResumeCompletes() {
    const auto rerun = RunTool({"apply", plan_, "--allow-blocked", "--batch-size", "3"}, env_);
    EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_EQ(ChangeRows(), 312);
    EXPECT_EQ(
        testing::Count(*conn_,
                       "SELECT count(DISTINCT (api_key_id, scope)) FROM scope_migration_changes"),
        312);
    const auto replan =
        RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--format", "jsonl"}, env_);
    EXPECT_NE(replan.out.find("\"change\":0,"), std::string::npos);
  }

  std::string dir_, plan_;
};

TEST_F(ProductionTest, TenantSubsetAppliesOnlyThatTenant) {
  const long long others_before =
      testing::Count(*conn_,
                     "SELECT count(*) FROM api_key_scopes s JOIN api_keys k ON k.id = s.api_key_id "
                     "WHERE k.tenant_id <> 'acme'");
  const auto result = RunTool({"apply", plan_, "--allow-blocked", "--tenant", "acme"}, env_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(testing::Count(*conn_,
                           "SELECT count(*) FROM api_key_scopes s JOIN api_keys k ON k.id = "
                           "s.api_key_id WHERE k.tenant_id <> 'acme'"),
            others_before);
  EXPECT_EQ(testing::Count(*conn_,
                           "SELECT count(*) FROM scope_migration_changes c JOIN api_keys k "
                           "ON k.id::text = c.api_key_id WHERE k.tenant_id <> 'acme'"),
            0);
  EXPECT_GT(ChangeRows(), 0);
  pqxx::read_transaction txn(*conn_);
  EXPECT_STREQ(txn.exec("SELECT filter FROM scope_migration_runs WHERE run_id = 1")[0][0].c_str(),
               "--tenant acme");
}

// Regression: a filter value that matched nothing gave an empty plan (exit 0) and an apply
// recorded as "succeeded, 0 keys changed".
TEST_F(ProductionTest, FilterValuesThatMatchNothingAreRefusedWithExit6) {
  const auto plan = RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml",
                             "--detailed-exitcode", "--tenant", "acmee"},
                            env_);
  EXPECT_EQ(plan.exit_code, 6);
  EXPECT_EQ(plan.out, "");
  EXPECT_EQ(plan.err,
            "scope-migrate: --tenant \"acmee\" matched no key in the keys table "
            "\"api_keys\" (did you mean \"acme\"?); nothing was planned or written\n");
  const auto from_plan = RunTool({"apply", plan_, "--key", kKey01, "--key", "42"}, env_);
  EXPECT_EQ(from_plan.exit_code, 6);
  EXPECT_EQ(from_plan.err, "scope-migrate: --key \"42\" matched no key in the plan file " + plan_ +
                               "; nothing was planned or written\n");
  const auto direct = RunTool(
      {"apply", "--mapping", "mappings/legacy-roles.yaml", "--yes", "--tenant", "acmee"}, env_);
  EXPECT_EQ(direct.exit_code, 6);
  EXPECT_NE(direct.err.find("--tenant \"acmee\" matched no key"), std::string::npos) << direct.err;
  // No run was recorded: the audit tables were never even created.
  EXPECT_EQ(testing::Count(*conn_,
                           "SELECT count(*) FROM pg_class WHERE relname = 'scope_migration_runs'"),
            0);
}

// Regression: a plan made on one database was applied to another with only a note.
TEST_F(ProductionTest, PlanMadeOnAnotherDatabaseIsRefusedUnlessAllowed) {
  std::string sysid;
  {
    pqxx::read_transaction txn(*conn_);
    sysid = txn.exec("SELECT system_identifier::text FROM pg_control_system()")[0][0].c_str();
  }
  const std::string text = testing::ReadFile(plan_);
  const std::string header = text.substr(0, text.find('\n'));
  EXPECT_NE(header.find(",\"system_identifier\":\"" + sysid + "\",\"database\":\"" + db_ + "\""),
            std::string::npos)
      << header;
  testing::PgHarness& pg = testing::PgHarness::Get();
  const std::string other = pg.CreateDatabase("other");
  auto other_conn = pg.Connect(other);
  testing::LoadSamples(*other_conn);
  const std::string before = testing::DataDigest(*other_conn);
  const auto refused = RunTool({"apply", plan_, "--allow-blocked"}, pg.EnvFor(other));
  EXPECT_EQ(refused.exit_code, 65);
  const std::string url_of = "postgresql://" + pg.host() + ":" + pg.port() + "/";
  EXPECT_EQ(refused.err, "scope-migrate: the plan " + plan_ + " was made on database \"" + db_ +
                             "\" of the cluster with system identifier " + sysid + " (" + url_of +
                             db_ + "), this is database \"" + other +
                             "\" of the cluster with system identifier " + sysid + " (" + url_of +
                             other +
                             "); nothing was written. Make the plan on this database, or pass "
                             "--allow-other-database to apply it here (each key is still "
                             "checked against its fingerprint)\n");
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(testing::DataDigest(*other_conn), before);
  const auto allowed =
      RunTool({"apply", plan_, "--allow-blocked", "--allow-other-database"}, pg.EnvFor(other));
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_NE(allowed.err.find("note: the plan " + plan_ + " was made on database \"" + db_ + "\""),
            std::string::npos)
      << allowed.err;
}

// Regression: `apply --mapping --yes` with blocked keys pointed at "the plan", a temporary
// file the user never sees.
TEST_F(ProductionTest, DirectApplyWithBlockedKeysPointsAtPlan) {
  const auto result =
      RunTool({"apply", "--mapping", "mappings/legacy-roles.yaml", "--yes", "--quiet"}, env_);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.err,
            "scope-migrate: 9 keys are blocked (`scope-migrate plan --mapping "
            "mappings/legacy-roles.yaml` lists them with their reasons); nothing was written. Fix "
            "the mapping or the data, or pass --allow-blocked to apply the others.\n");
}

TEST_F(ProductionTest, DbGivenAsABareWordIsTheDatabaseName) {
  testing::Env env = env_;
  env.erase("PGDATABASE");
  const auto result = RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--format",
                               "jsonl", "--db", db_, "--key", kKey01},
                              env);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("\"database\":\"" + db_ + "\""), std::string::npos) << result.out;
}

TEST_F(ProductionTest, KeyFilterAppliesOnlyThatKey) {
  const auto result =
      RunTool({"apply", "--mapping", "mappings/legacy-roles.yaml", "--yes", "--key", kKey01}, env_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(
      testing::Count(*conn_, "SELECT count(DISTINCT api_key_id) FROM scope_migration_changes"), 1);
  EXPECT_EQ(testing::ScopesOf(*conn_, kKey01).size(), 15u);
}

// A batch that times out on a lock is tried again (twice at its size, then halving it):
// keys 11-15 shrink to key 11 alone, which commits; key 12 then fails every attempt.
TEST_F(ProductionTest, LockTimeoutIsRetriedSmallerThenStopsTheRunAndRerunFinishes) {
  auto other = testing::PgHarness::Get().Connect(db_);
  auto holder = std::make_unique<pqxx::work>(*other);
  holder->exec(std::string("SELECT 1 FROM api_keys WHERE id = '") + kKey12 + "' FOR UPDATE");

  const auto result = RunTool(
      {"apply", plan_, "--allow-blocked", "--batch-size", "5", "--lock-timeout", "500ms"}, env_);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find(std::string("starting at key ") + kKey12), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("--lock-timeout"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("Resume with: scope-migrate apply"), std::string::npos) << result.err;
  EXPECT_EQ(RunStatus(1), "failed");
  // Keys 1-10 in two batches, then key 11 after four timed-out attempts; nothing of key 12.
  EXPECT_EQ(
      testing::Count(*conn_, "SELECT count(DISTINCT api_key_id) FROM scope_migration_changes"), 11);
  EXPECT_FALSE(testing::ScopesOf(*conn_, kKey11).empty());
  EXPECT_TRUE(testing::ScopesOf(*conn_, kKey12).empty());
  EXPECT_EQ(testing::Count(*conn_, "SELECT lock_retries FROM scope_migration_runs"), 4);
  ExpectNoKeyHalfWritten();

  holder->commit();
  holder.reset();
  ExpectResumeCompletes();
}

TEST_F(ProductionTest, LockTimeoutRetryGoesThroughOnceTheLockIsReleased) {
  auto other = testing::PgHarness::Get().Connect(db_);
  auto holder = std::make_unique<pqxx::work>(*other);
  holder->exec(std::string("SELECT 1 FROM api_keys WHERE id = '") + kKey01 + "' FOR UPDATE");
  const pid_t pid =
      testing::SpawnTool({"apply", plan_, "--allow-blocked", "--lock-timeout", "200ms"}, env_,
                         dir_ + "/out", dir_ + "/err");
  // The tool waits on the lock, then stops waiting while it is still held: its attempt
  // timed out and it sleeps before the next one.
  auto waits = [&] {
    return testing::Count(*conn_,
                          "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE "
                          "'scope-migrate apply%' AND wait_event_type = 'Lock'") > 0;
  };
  bool waited = false, timed_out = false;
  for (int i = 0; i < 2000 && !timed_out; ++i) {
    const bool now = waits();
    timed_out = waited && !now;
    waited = waited || now;
    if (!timed_out) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(timed_out);
  holder->commit();
  holder.reset();
  EXPECT_EQ(testing::WaitTool(pid), 0) << testing::ReadFile(dir_ + "/err");
  EXPECT_EQ(RunStatus(1), "succeeded");
  EXPECT_GE(testing::Count(*conn_, "SELECT lock_retries FROM scope_migration_runs"), 1);
  EXPECT_EQ(ChangeRows(), 312);
}

// Batches sized by time never pass --batch-size (a target no batch can miss keeps them at
// the maximum), and the run row and the progress line say how the batches went.
TEST_F(ProductionTest, RunRowAndProgressShowTheBatches) {
  const auto result = RunTool({"apply", plan_, "--allow-blocked", "--batch-size", "4",
                               "--batch-time", "10min", "--progress", "--progress-every", "1h"},
                              env_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("writes   batches of up to 4 keys sized to 10min, 1 job"),
            std::string::npos)
      << result.out;
  // 31 keys in batches of at most 4: the last holds 3, and the final progress line says so.
  EXPECT_NE(result.out.find("in 8 committed batches"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("batch 8 (3 keys in "), std::string::npos) << result.err;
  pqxx::read_transaction txn(*conn_);
  const pqxx::row run = txn.exec1(
      "SELECT batch_time_ms, last_batch_keys, max_batch_ms IS NOT NULL, lock_retries "
      "FROM scope_migration_runs WHERE run_id = 1");
  EXPECT_EQ(run[0].as<int64_t>(), 600000);
  EXPECT_EQ(run[1].as<int64_t>(), 3);
  EXPECT_TRUE(run[2].as<bool>());
  EXPECT_EQ(run[3].as<int64_t>(), 0);
}

TEST_F(ProductionTest, SigtermFinishesTheBatchRecordsInterruptedAndResumes) {
  const pid_t pid = testing::SpawnTool(
      {"apply", plan_, "--allow-blocked", "--batch-size", "3", "--pause", "300ms"}, env_,
      dir_ + "/out", dir_ + "/err");
  WaitForFirstBatch();
  kill(pid, SIGTERM);
  EXPECT_EQ(testing::WaitTool(pid), 130);
  const std::string err = testing::ReadFile(dir_ + "/err");
  EXPECT_NE(err.find("stopped by SIGTERM"), std::string::npos) << err;
  EXPECT_NE(err.find("Resume with: scope-migrate apply"), std::string::npos) << err;
  EXPECT_EQ(RunStatus(1), "interrupted");
  EXPECT_EQ(AdvisoryLocks(), 0);
  EXPECT_LT(ChangeRows(), 312);
  ExpectNoKeyHalfWritten();
  ExpectResumeCompletes();
}

TEST_F(ProductionTest, SigintFinishesTheBatchRecordsInterruptedAndResumes) {
  const pid_t pid = testing::SpawnTool(
      {"apply", plan_, "--allow-blocked", "--batch-size", "3", "--pause", "300ms"}, env_,
      dir_ + "/out", dir_ + "/err");
  WaitForFirstBatch();
  kill(pid, SIGINT);
  EXPECT_EQ(testing::WaitTool(pid), 130);
  EXPECT_NE(testing::ReadFile(dir_ + "/err").find("stopped by SIGINT"), std::string::npos);
  EXPECT_EQ(RunStatus(1), "interrupted");
  EXPECT_EQ(AdvisoryLocks(), 0);
  ExpectNoKeyHalfWritten();
  ExpectResumeCompletes();
}

TEST_F(ProductionTest, SecondSignalAbortsTheWaitingBatchAtOnce) {
  auto other = testing::PgHarness::Get().Connect(db_);
  auto holder = std::make_unique<pqxx::work>(*other);
  holder->exec(std::string("SELECT 1 FROM api_keys WHERE id = '") + kKey01 + "' FOR UPDATE");
  const pid_t pid = testing::SpawnTool({"apply", plan_, "--allow-blocked", "--lock-timeout", "60s"},
                                       env_, dir_ + "/out", dir_ + "/err");
  // Wait until the apply is blocked on the row lock.
  for (int i = 0; i < 400; ++i) {
    if (testing::Count(*conn_,
                       "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE "
                       "'scope-migrate apply%' AND wait_event_type = 'Lock'") > 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  kill(pid, SIGTERM);
  // Regression: the first signal was silent while the batch waited for the lock. The
  // answer comes while the batch still waits (its lock timeout is 60s).
  const std::string said =
      "scope-migrate: SIGTERM: finishing the batch in flight (it commits or rolls back whole), "
      "then stopping; a second SIGINT or SIGTERM (Ctrl-C) cancels it now\n";
  bool answered = false;
  for (int i = 0; i < 400 && !answered; ++i) {
    answered = testing::ReadFile(dir_ + "/err").find(said) != std::string::npos;
    if (!answered) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(answered) << testing::ReadFile(dir_ + "/err");
  kill(pid, SIGTERM);
  EXPECT_EQ(testing::WaitTool(pid), 130);  // well before the 60s lock timeout
  EXPECT_EQ(RunStatus(1), "interrupted");
  EXPECT_EQ(ChangeRows(), 0);
  EXPECT_EQ(AdvisoryLocks(), 0);
  holder->commit();
  holder.reset();
  ExpectResumeCompletes();
}

// Regression: `apply --mapping` left its temporary plan file in /tmp after kill -9.
TEST_F(ProductionTest, DirectApplyLeavesNoTemporaryFileEvenAfterKill9) {
  const std::string tmp = dir_ + "/tmp";
  std::filesystem::create_directory(tmp);
  testing::Env env = env_;
  env["TMPDIR"] = tmp;
  const pid_t pid = testing::SpawnTool({"apply", "--mapping", "mappings/legacy-roles.yaml", "--yes",
                                        "--allow-blocked", "--batch-size", "3", "--pause", "300ms"},
                                       env, dir_ + "/out", dir_ + "/err");
  WaitForFirstBatch();
  EXPECT_TRUE(std::filesystem::is_empty(tmp));  // the file never had a name
  kill(pid, SIGKILL);
  testing::WaitTool(pid);
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
}

// `apply --mapping` plans into the same unnamed temporary file as the verified copy
// (UnlinkedTempFile) and, when $TMPDIR cannot hold one, says so the same way, writing nothing.
TEST_F(ProductionTest, DirectApplyNamesATmpdirThatCannotHoldItsPlanAndWritesNothing) {
  const long long scopes = testing::Count(*conn_, "SELECT count(*) FROM api_key_scopes");
  testing::Env env = env_;
  env["TMPDIR"] = dir_ + "/missing";
  const auto r = RunTool(
      {"apply", "--mapping", "mappings/legacy-roles.yaml", "--yes", "--allow-blocked"}, env);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "scope-migrate: cannot create a temporary file for the plan of apply --mapping in " +
                dir_ + "/missing ($TMPDIR): No such file or directory\n");
  EXPECT_EQ(testing::Count(*conn_, "SELECT count(*) FROM api_key_scopes"), scopes);
  EXPECT_FALSE(AuditExists());
}

TEST_F(ProductionTest, PauseFileHoldsEveryBatchUntilItIsRemoved) {
  const std::string pause_file = dir_ + "/hold";
  testing::WriteFile(pause_file, "");
  const pid_t pid = testing::SpawnTool(
      {"apply", plan_, "--allow-blocked", "--batch-size", "10", "--pause-file", pause_file,
       "--lock-lease", "1s", "--progress", "--progress-every", "100ms"},
      env_, dir_ + "/out", dir_ + "/err");
  // The run starts (its row is written) and then waits for the file to go.
  for (int i = 0; i < 400 && !(AuditExists() && RunCount() > 0); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(RunCount(), 1);
  const std::string first_beat = Heartbeat();
  // Well past the 1s lease: no batch commits and the lease is renewed meanwhile.
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(ChangeRows(), 0) << "a batch committed while " << pause_file << " existed";
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_EQ(RunStatus(1), "running");
  EXPECT_NE(Heartbeat(), first_beat);
  EXPECT_EQ(testing::Count(*conn_,
                           "SELECT count(*) FROM scope_migration_runs WHERE keys_changed > 0 OR "
                           "last_batch_at IS NOT NULL"),
            0);
  std::remove(pause_file.c_str());
  EXPECT_EQ(testing::WaitTool(pid), 0) << testing::ReadFile(dir_ + "/err");
  const std::string said = testing::ReadFile(dir_ + "/out") + testing::ReadFile(dir_ + "/err");
  EXPECT_NE(
      said.find(
          "  writes   batches of up to 10 keys sized to 200ms, 1 job, no pause, no rate limit, "
          "held while " +
          pause_file + " exists, lease 1s\n"),
      std::string::npos)
      << said;
  EXPECT_NE(testing::ReadFile(dir_ + "/err").find("  paused by " + pause_file + "\n"),
            std::string::npos)
      << said;
  EXPECT_EQ(RunStatus(1), "succeeded");
  EXPECT_EQ(ChangeRows(), 312);
  ExpectNoKeyHalfWritten();
  ExpectResumeCompletes();
}

// The seconds between the starts of consecutive batches of the run in the database (the
// first entry is 0: it has no batch before it).
std::vector<double> BatchStartGaps(pqxx::connection& conn) {
  pqxx::read_transaction txn(conn);
  std::vector<double> gaps;
  for (const auto& row :
       txn.exec("SELECT coalesce(extract(epoch FROM t - lag(t) OVER (ORDER BY t)), 0) FROM "
                "(SELECT DISTINCT committed_at AS t FROM scope_migration_changes) b ORDER BY t")) {
    gaps.push_back(row[0].as<double>());
  }
  return gaps;
}

TEST_F(ProductionTest, PauseSpacesTheBatches) {
  const auto result =
      RunTool({"apply", plan_, "--allow-blocked", "--batch-size", "10", "--pause", "400ms"}, env_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Each batch's audit rows carry its transaction's start time: 4 batches, >= 400ms apart.
  const std::vector<double> gaps = BatchStartGaps(*conn_);
  ASSERT_EQ(gaps.size(), 4u);
  for (size_t i = 1; i < gaps.size(); ++i) EXPECT_GE(gaps[i], 0.4);
}

TEST_F(ProductionTest, MaxRateSpacesTheBatches) {
  const auto result =
      RunTool({"apply", plan_, "--allow-blocked", "--batch-size", "10", "--max-rate", "20"}, env_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<double> gaps = BatchStartGaps(*conn_);
  ASSERT_EQ(gaps.size(), 4u);
  // 10 keys a batch at 20 keys/s: the next batch starts no sooner than 0.5 s later.
  for (size_t i = 1; i < gaps.size(); ++i) EXPECT_GE(gaps[i], 0.45);
}

TEST_F(ProductionTest, ProgressGoesToStderrOnlyWhenAskedOrOnATerminal) {
  const auto quiet_plan = RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml"}, env_);
  EXPECT_EQ(quiet_plan.err.find("keys/s"), std::string::npos);  // stderr is a file here
  const auto plan =
      RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--progress"}, env_);
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.err.find("plan 51/51 keys"), std::string::npos) << plan.err;
  EXPECT_NE(plan.err.find("ETA"), std::string::npos);
  EXPECT_EQ(plan.out.find("keys/s"), std::string::npos);
  EXPECT_EQ(plan.out, quiet_plan.out);

  // Not a terminal: plain lines (every --progress-every, here each change), no control
  // characters, the batch count, pauses, and a last line when done.
  const auto apply = RunTool({"apply", plan_, "--allow-blocked", "--progress", "--progress-every",
                              "0", "--batch-size", "10", "--pause", "100ms"},
                             env_);
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_NE(apply.err.find("\napply 31/31 keys (100.0%)"), std::string::npos) << apply.err;
  // The last line is not repeated when the run ends.
  EXPECT_EQ(apply.err.find("apply 31/31 keys"), apply.err.rfind("apply 31/31 keys")) << apply.err;
  EXPECT_NE(apply.err.find("keys/s  ETA"), std::string::npos) << apply.err;
  EXPECT_NE(apply.err.find("  batch 4 (1 key in "), std::string::npos) << apply.err;
  EXPECT_NE(apply.err.find("pausing 100ms\n"), std::string::npos) << apply.err;
  EXPECT_EQ(apply.err.find_first_of("\r\x1b"), std::string::npos) << apply.err;
  EXPECT_EQ(apply.out.find("keys/s"), std::string::npos);
  const auto none = RunTool({"apply", plan_, "--allow-blocked", "--no-progress"}, env_);
  EXPECT_EQ(none.err.find("keys/s"), std::string::npos);
}

// Regression: a plan made with --tenant and applied without one was recorded as a full run.
TEST_F(ProductionTest, PartialPlanIsRecordedAsPartial) {
  const std::string partial = dir_ + "/acme.jsonl";
  ASSERT_EQ(RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--tenant", "acme", "--out",
                     partial},
                    env_)
                .exit_code,
            0);
  const auto result = RunTool({"apply", partial, "--allow-blocked"}, env_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("apply run 1 succeeded (PARTIAL RUN, only --tenant acme)"),
            std::string::npos)
      << result.out;
  pqxx::read_transaction txn(*conn_);
  EXPECT_STREQ(txn.exec("SELECT filter FROM scope_migration_runs WHERE run_id = 1")[0][0].c_str(),
               "--tenant acme");
}

// A scope row the application deleted first is simply not the tool's removal, but one
// that is still there after the DELETE (a trigger kept it) leaves the key neither as
// planned nor as found: stale.
TEST_F(ProductionTest, PruneWhoseRowsAreStillThereAfterTheDeleteIsStale) {
  const std::string pruned = dir_ + "/prune.jsonl";
  ASSERT_EQ(
      RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--prune", "--out", pruned}, env_)
          .exit_code,
      0);
  {
    pqxx::work txn(*conn_);  // a trigger that silently keeps the rows, as if already deleted
    txn.exec(
        "CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';"
        "CREATE TRIGGER keep BEFORE DELETE ON api_key_scopes FOR EACH ROW EXECUTE FUNCTION keep()");
    txn.commit();
  }
  const std::string before = testing::DataDigest(*conn_);
  const auto result = RunTool({"apply", pruned, "--allow-blocked", "--single-transaction"}, env_);
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(result.err.find("scopes to remove are still there after the DELETE"), std::string::npos)
      << result.err;
  EXPECT_EQ(testing::DataDigest(*conn_), before);
  EXPECT_EQ(RunStatus(1), "stale");
}

// Every line of `err` parsed as JSON (a line that is not JSON fails the test).
std::vector<nlohmann::json> JsonLines(const std::string& err) {
  std::vector<nlohmann::json> events;
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);) {
    try {
      events.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception& e) {
      ADD_FAILURE() << "not JSON: " << line;
    }
  }
  return events;
}

TEST_F(ProductionTest, LogFormatJsonWritesOneEventPerLineAndNothingElse) {
  const auto r = RunTool({"apply", plan_, "--allow-blocked", "--batch-size", "10", "--batch-time",
                          "0", "--progress", "--progress-every", "1h", "--log-format", "json"},
                         env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<nlohmann::json> events = JsonLines(r.err);
  std::vector<std::string> names;
  for (const auto& e : events) {
    if (e["event"] != "progress") names.push_back(e["event"]);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"run_started", "batch_committed", "batch_committed",
                                             "batch_committed", "batch_committed", "run_finished"}))
      << r.err;
  ASSERT_FALSE(events.empty());
  const nlohmann::json& started = events.front();
  EXPECT_EQ(started["kind"], "apply");
  EXPECT_EQ(started["run_id"], 1);
  EXPECT_EQ(started["plan_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(started["scopes_to_add"], 312);
  EXPECT_EQ(started["batch_size"], 10);
  EXPECT_EQ(started["jobs"], 1);
  EXPECT_EQ(started["max_replica_lag_ms"], 10000);
  EXPECT_EQ(started["max_replica_lag_bytes"], 1073741824);
  int64_t added = 0, keys = 0;
  for (const auto& e : events) {
    if (e["event"] != "batch_committed") continue;
    added += e["scopes_added"].get<int64_t>();
    keys += e["keys_changed"].get<int64_t>();
    EXPECT_EQ(e["batch_size"], 10);
    EXPECT_LE(e["keys"].get<int64_t>(), 10);
    EXPECT_TRUE(e["duration_ms"].is_number());
  }
  EXPECT_EQ(added, 312);
  EXPECT_EQ(keys, started["keys_to_change"].get<int64_t>());
  EXPECT_EQ(events[events.size() - 2]["event"], "progress");  // the last progress line
  const nlohmann::json& run_finished = events.back();
  EXPECT_EQ(run_finished["event"], "run_finished");
  EXPECT_EQ(run_finished["status"], "succeeded");
  EXPECT_EQ(run_finished["exit_code"], 0);
  EXPECT_EQ(run_finished["scopes_added"], 312);
  EXPECT_EQ(run_finished["batches"], 4);
}

TEST_F(ProductionTest, LogFormatJsonReportsErrorsAsEvents) {
  const auto missing = RunTool({"apply", dir_ + "/missing.jsonl", "--log-format", "json"}, env_);
  EXPECT_NE(missing.exit_code, 0);
  auto events = JsonLines(missing.err);
  ASSERT_EQ(events.size(), 1u) << missing.err;
  EXPECT_EQ(events[0]["event"], "error");
  EXPECT_EQ(events[0]["exit_code"], missing.exit_code);
  EXPECT_NE(events[0]["message"].get<std::string>().find("missing.jsonl"), std::string::npos);

  const auto usage = RunTool({"apply", plan_, "--log-format", "json", "--batch-size", "0"}, env_);
  EXPECT_EQ(usage.exit_code, 64);
  events = JsonLines(usage.err);
  ASSERT_EQ(events.size(), 1u) << usage.err;
  EXPECT_EQ(events[0], (nlohmann::json{{"event", "error"},
                                       {"exit_code", 64},
                                       {"message",
                                        "--batch-size must be between 1 and 1000000 (keys in one "
                                        "transaction)"}}));
}

TEST_F(ProductionTest, MetricsFileHoldsTheFinishedRunsState) {
  const std::string metrics_dir = dir_ + "/textfile";
  ASSERT_EQ(mkdir(metrics_dir.c_str(), 0755), 0);
  const std::string metrics = metrics_dir + "/scope_migrate.prom";
  const auto r = RunTool({"apply", plan_, "--allow-blocked", "--batch-size", "10", "--batch-time",
                          "0", "--metrics-file", metrics},
                         env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string text = testing::ReadFile(metrics);
  for (const char* line : {"scope_migrate_run_status{status=\"succeeded\"} 1\n",
                           "scope_migrate_run_status{status=\"running\"} 0\n",
                           "scope_migrate_scopes_done 312\n", "scope_migrate_scopes_planned 312\n",
                           "scope_migrate_batches 4\n", "scope_migrate_batch_size 10\n",
                           "scope_migrate_throttled_seconds{cause=\"replica_lag\"} 0\n",
                           "scope_migrate_replica_lag_bytes 0\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
  const auto value = [&text](const std::string& name) {
    const size_t at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stoll(text.substr(at + name.size() + 2));
  };
  EXPECT_GT(value("scope_migrate_keys_planned"), 0);
  EXPECT_EQ(value("scope_migrate_keys_done"), value("scope_migrate_keys_planned"));
  EXPECT_NE(text.find("scope_migrate_run_info{kind=\"apply\",run_id=\"1\",plan_sha256=\""),
            std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(metrics.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  // Nothing but the file itself is left in the directory (no temporary files).
  std::vector<std::string> names;
  DIR* listing = opendir(metrics_dir.c_str());
  ASSERT_NE(listing, nullptr);
  for (dirent* entry = readdir(listing); entry != nullptr; entry = readdir(listing)) {
    if (std::string(entry->d_name) != "." && std::string(entry->d_name) != "..") {
      names.push_back(entry->d_name);
    }
  }
  closedir(listing);
  EXPECT_EQ(names, std::vector<std::string>{"scope_migrate.prom"});
}

TEST_F(ProductionTest, AMetricsFileThatCannotBeWrittenIsSaidOnceAndTheRunGoesOn) {
  const auto r = RunTool({"apply", plan_, "--allow-blocked", "--batch-size", "10", "--batch-time",
                          "0", "--metrics-file", dir_ + "/no/such/dir/m.prom"},
                         env_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.err.rfind("note: --metrics-file: cannot write " + dir_ +
                      "/no/such/dir/m.prom: cannot create " + dir_ + "/no/such/dir/m.prom.partial-",
                  0),
      0u)
      << r.err;
  EXPECT_NE(r.err.find(": No such file or directory; the run goes on without it\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(ChangeRows(), 312);
}

}  // namespace
}  // namespace scope_migrate
