// `apply --jobs N` and `rollback --jobs N` on a real PostgreSQL: N connections writing whole,
// disjoint batches through the one write loop. The result is that of one connection, a
// stale key in any worker's batch stops them all, and SIGTERM or kill -9 with several
// workers leaves no key half-written and a run that resumes.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "support/db_util.h"
#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::Count;
using testing::DataDigest;
using testing::ReadFile;
using testing::RunTool;
using testing::ToolResult;

constexpr char kMapping[] = "mappings/legacy-roles.yaml";

class ParallelTest : public testing::DbTest {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    testing::LoadSamples(*conn_);
    before_ = DataDigest(*conn_);
    dir_ = testing::MakeTempDir();
    plan_ = dir_ + "/plan.jsonl";
    const ToolResult r = RunTool({"plan", "--mapping", kMapping, "--prune", "--out", plan_}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // Every audit row (run, key, scope, action) and the runs' counters, as text.
  std::string AuditRows(pqxx::connection& conn) {
    pqxx::read_transaction txn(conn);
    std::string out;
    for (const auto& row :
         txn.exec("SELECT run_id || ' ' || api_key_id || ' ' || scope || ' ' || action FROM "
                  "scope_migration_changes ORDER BY 1")) {
      out += std::string(row[0].c_str()) + "\n";
    }
    for (const auto& row : txn.exec("SELECT run_id || ' ' || kind || ' ' || status || ' ' || "
                                    "keys_changed || ' ' || scopes_added || ' ' || "
                                    "scopes_removed FROM scope_migration_runs ORDER BY run_id")) {
      out += std::string(row[0].c_str()) + "\n";
    }
    return out;
  }

  std::string RunStatus(int run) {
    return testing::Count(*conn_, "SELECT count(*) FROM scope_migration_runs WHERE run_id = " +
                                      std::to_string(run)) == 0
               ? ""
               : pqxx::read_transaction(*conn_)
                     .exec("SELECT status FROM scope_migration_runs WHERE run_id = " +
                           std::to_string(run))[0][0]
                     .c_str();
  }

  // The id of the n-th change key of the plan.
  std::string NthChangeKey(int n) {
    std::istringstream in(ReadFile(plan_));
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      if (j.at("type") == "key" && j.at("status") == "change" && --n == 0) return j.at("id");
    }
    return "";
  }

  bool WaitForFirstBatch() {
    for (int i = 0; i < 800; ++i) {
      try {
        if (Count(*conn_, "SELECT count(*) FROM scope_migration_changes") > 0) return true;
      } catch (const std::exception&) {
        // the audit tables do not exist yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }

  std::string before_, dir_, plan_;
};

TEST_F(ParallelTest, FourJobsWriteExactlyWhatOneJobWrites) {
  const std::string other = testing::PgHarness::Get().CreateDatabase("parallel_twin");
  auto twin = testing::PgHarness::Get().Connect(other);
  testing::LoadSamples(*twin);
  const auto twin_env = testing::PgHarness::Get().EnvFor(other);

  const ToolResult one = RunTool({"apply", plan_, "--allow-blocked", "--allow-other-database",
                                  "--batch-size", "2", "--jobs", "1"},
                                 twin_env);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const ToolResult four =
      RunTool({"apply", plan_, "--allow-blocked", "--batch-size", "2", "--jobs", "4"}, env_);
  ASSERT_EQ(four.exit_code, 0) << four.err;
  EXPECT_EQ(DataDigest(*conn_), DataDigest(*twin));
  EXPECT_EQ(AuditRows(*conn_), AuditRows(*twin));
  testing::ExpectPlanApplied(*conn_, plan_);
  EXPECT_NE(four.out.find("apply run 1 succeeded: 34 keys changed, 312 scopes added, 5 removed, "
                          "in 17 committed batches"),
            std::string::npos)
      << four.out;

  const ToolResult back =
      RunTool({"rollback", "--run", "1", "--yes", "--jobs", "3", "--batch-size", "2"}, env_);
  ASSERT_EQ(back.exit_code, 0) << back.out << back.err;
  EXPECT_EQ(DataDigest(*conn_), before_);
  EXPECT_EQ(Count(*conn_, "SELECT scopes_removed FROM scope_migration_runs WHERE run_id = 2"), 312);
  EXPECT_EQ(Count(*conn_, "SELECT scopes_added FROM scope_migration_runs WHERE run_id = 2"), 5);
  EXPECT_EQ(RunStatus(1), "rolled-back");
  EXPECT_EQ(testing::LeasesLeft(*conn_), 0);
}

TEST_F(ParallelTest, AStaleKeyInOneWorkersBatchStopsThemAll) {
  const std::string stale = NthChangeKey(20);
  ASSERT_FALSE(stale.empty());
  // A role granted since the plan: the key's fingerprint no longer matches.
  testing::ExecSql(*conn_, "INSERT INTO api_key_roles VALUES ('" + stale + "', 'Auditor')");
  const ToolResult r =
      RunTool({"apply", plan_, "--allow-blocked", "--batch-size", "2", "--jobs", "3"}, env_);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("key " + stale), std::string::npos) << r.err;
  EXPECT_EQ(RunStatus(1), "stale");
  const size_t written = testing::ExpectNoKeyHalfWritten(*conn_, plan_);
  EXPECT_LT(written, 34u);
  // The counters are those of the committed batches exactly.
  EXPECT_EQ(Count(*conn_, "SELECT keys_changed FROM scope_migration_runs WHERE run_id = 1"),
            static_cast<long long>(written));
  EXPECT_EQ(Count(*conn_, "SELECT scopes_added + scopes_removed FROM scope_migration_runs"),
            Count(*conn_, "SELECT count(*) FROM scope_migration_changes"));
  EXPECT_EQ(testing::LeasesLeft(*conn_), 0);
}

TEST_F(ParallelTest, SigtermWithFourWorkersStopsCleanlyAndResumes) {
  const std::vector<std::string> args = {"apply",  plan_, "--allow-blocked", "--batch-size", "1",
                                         "--jobs", "4",   "--pause",         "100ms"};
  const pid_t pid = testing::SpawnTool(args, env_, dir_ + "/t.out", dir_ + "/t.err");
  ASSERT_TRUE(WaitForFirstBatch()) << ReadFile(dir_ + "/t.err");
  kill(pid, SIGTERM);
  EXPECT_EQ(testing::WaitTool(pid), 130) << ReadFile(dir_ + "/t.err");
  EXPECT_NE(ReadFile(dir_ + "/t.err").find("stopped by SIGTERM"), std::string::npos);
  EXPECT_EQ(RunStatus(1), "interrupted");
  const size_t written = testing::ExpectNoKeyHalfWritten(*conn_, plan_);
  EXPECT_GT(written, 0u);
  EXPECT_LT(written, 34u);
  EXPECT_EQ(testing::LeasesLeft(*conn_), 0);

  const ToolResult resumed = RunTool(args, env_);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find(std::to_string(written) + " keys were already applied"),
            std::string::npos)
      << resumed.out;
  testing::ExpectPlanApplied(*conn_, plan_);
  EXPECT_EQ(testing::ExpectNoKeyHalfWritten(*conn_, plan_), 34u);
}

TEST_F(ParallelTest, KillDashNineWithFourWorkersThenResume) {
  const std::vector<std::string> args = {"apply",  plan_, "--allow-blocked", "--batch-size", "1",
                                         "--jobs", "4",   "--pause",         "50ms"};
  const pid_t pid = testing::SpawnTool(args, env_, dir_ + "/k.out", dir_ + "/k.err");
  ASSERT_TRUE(WaitForFirstBatch()) << ReadFile(dir_ + "/k.err");
  kill(pid, SIGKILL);
  EXPECT_EQ(testing::WaitTool(pid), 128 + SIGKILL);
  const size_t written = testing::ExpectNoKeyHalfWritten(*conn_, plan_);
  EXPECT_LT(written, 34u) << "the kill came too late to test anything";
  EXPECT_EQ(Count(*conn_, "SELECT keys_changed FROM scope_migration_runs WHERE run_id = 1"),
            static_cast<long long>(written));

  const ToolResult resumed = RunTool(args, env_);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(RunStatus(1), "interrupted");
  EXPECT_EQ(RunStatus(2), "succeeded");
  testing::ExpectPlanApplied(*conn_, plan_);
  EXPECT_EQ(testing::ExpectNoKeyHalfWritten(*conn_, plan_), 34u);
  EXPECT_EQ(Count(*conn_, "SELECT sum(keys_changed) FROM scope_migration_runs"), 34);
  EXPECT_EQ(testing::LeasesLeft(*conn_), 0);
}

}  // namespace
}  // namespace scope_migrate
