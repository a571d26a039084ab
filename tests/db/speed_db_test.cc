// Database tests of the speed work (SPEC 12.5, 12.6) on a real PostgreSQL 15: a resume
// passes over the keys an interrupted run wrote before any batch, so it pays no batch and
// no --pause for them, and its metrics count their scopes as done.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/db_util.h"
#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::Count;
using testing::ReadFile;
using testing::RunTool;
using testing::ToolResult;

constexpr char kMapping[] = "mappings/legacy-roles.yaml";

class SpeedTest : public testing::DbTest {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    testing::LoadSamples(*conn_);
    dir_ = testing::MakeTempDir();
    plan_ = dir_ + "/plan.jsonl";
    const ToolResult r = RunTool({"plan", "--mapping", kMapping, "--out", plan_}, env_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }

  static bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

  static void Until(const std::function<bool()>& condition, const std::string& what) {
    for (int i = 0; i < 1200; ++i) {
      if (condition()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL() << "timed out waiting until " << what;
  }

  // Lines of `text` holding `needle`.
  static size_t Lines(const std::string& text, const std::string& needle) {
    std::istringstream in(text);
    size_t n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
    return n;
  }

  // An apply of the plan in batches of `first_batch` keys, stopped by SIGTERM while its
  // first batch is open (held at the "write" test gate): exactly that batch commits.
  void InterruptAfterFirstBatch(int first_batch) {
    const std::string gates = dir_ + "/gates";
    mkdir(gates.c_str(), 0700);
    testing::WriteFile(gates + "/write", "");
    testing::Env env = env_;
    env["SCOPE_MIGRATE_TEST_PAUSE_DIR"] = gates;
    const pid_t pid = testing::SpawnTool({"apply", plan_, "--allow-blocked", "--batch-time", "0",
                                          "--batch-size", std::to_string(first_batch)},
                                         env, dir_ + "/first.out", dir_ + "/first.err");
    ASSERT_GT(pid, 0);
    Until([&] { return Exists(gates + "/write.reached"); }, "the first batch is written");
    kill(pid, SIGTERM);
    unlink((gates + "/write").c_str());
    EXPECT_EQ(testing::WaitTool(pid), 130) << ReadFile(dir_ + "/first.err");
  }

  std::string dir_, plan_;
};

// Issue 29 row 3, SPEC 12.5: the resume's batches are those of the keys not yet written;
// the 28 written ones are passed over in one read, paying no batch and no --pause.
TEST_F(SpeedTest, ResumePassesOverWrittenKeysWithoutBatchesOrPauses) {
  InterruptAfterFirstBatch(28);
  ASSERT_EQ(Count(*conn_, "SELECT keys_changed FROM scope_migration_runs WHERE run_id = 1"), 28);
  const long long written_scopes = Count(*conn_, "SELECT count(*) FROM scope_migration_changes");

  const std::string metrics = dir_ + "/metrics.prom";
  const ToolResult r = RunTool({"apply", plan_, "--allow-blocked", "--batch-time", "0",
                                "--batch-size", "3", "--pause", "1s", "--log-format", "json",
                                "--metrics-file", metrics},
                               env_);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // 3 keys left: one batch of 3, so not one pause of 1s (11 batches and 10 pauses before).
  EXPECT_NE(r.out.find("3 keys changed, " + std::to_string(312 - written_scopes) +
                       " scopes added, 0 removed, in 1 committed batch; 28 keys were already "
                       "applied"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Lines(r.err, "\"event\":\"batch_committed\""), 1u) << r.err;
  EXPECT_EQ(Lines(r.err, "\"event\":\"passed_over\""), 1u) << r.err;
  EXPECT_EQ(Lines(r.err, "\"keys\":28"), 1u) << r.err;
  EXPECT_EQ(Lines(r.err, "\"scopes\":" + std::to_string(written_scopes)), 1u) << r.err;
  testing::ExpectPlanApplied(*conn_, plan_);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 312);
  EXPECT_EQ(Count(*conn_, "SELECT keys_changed FROM scope_migration_runs WHERE run_id = 2"), 3);

  // Issue 29 row 7: the totals are true, the passed-over keys' scopes counted as done.
  const std::string text = ReadFile(metrics);
  EXPECT_EQ(Lines(text, "scope_migrate_keys_done 31"), 1u) << text;
  EXPECT_EQ(Lines(text, "scope_migrate_scopes_done 312"), 1u) << text;
  EXPECT_EQ(Lines(text, "scope_migrate_batches 1"), 1u) << text;
}

// A run with nothing written before checks its first chunk once and writes every key in
// its batches, as before.
TEST_F(SpeedTest, AFreshRunPassesNothingOver) {
  const ToolResult r =
      RunTool({"apply", plan_, "--allow-blocked", "--batch-time", "0", "--batch-size", "10",
               "--log-format", "json"},
              env_);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("31 keys changed, 312 scopes added, 0 removed, in 4 committed batches\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Lines(r.err, "\"event\":\"passed_over\""), 0u) << r.err;
  EXPECT_EQ(Lines(r.err, "\"event\":\"batch_committed\""), 4u) << r.err;
}

}  // namespace
}  // namespace scope_migrate
