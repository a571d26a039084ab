// Approvals of an exact plan (SPEC 11.4) on a real server, directly and through PgBouncer in
// transaction mode, with three login roles: an operator who applies and two approvers, each
// connecting as itself. Self-approval, an approval of another plan and a revoked approval do
// not count; two approvals by others let apply through and the run row records them; the
// database-side setting holds without the flag and the operator cannot change it; a resumed
// run checks the approvals again.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <pqxx/pqxx>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/db_util.h"
#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::Count;
using testing::ExecSql;
using testing::PgHarness;
using testing::ReadFile;
using testing::RunTool;
using testing::ToolResult;

constexpr char kMapping[] = "mappings/legacy-roles.yaml";

class ApprovalsTest : public testing::DbTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    if (!PgHarness::Get().owned()) GTEST_SKIP() << "needs a cluster the harness starts";
    dir_ = testing::MakeTempDir();
    port_ = GetParam() ? PgHarness::Get().BouncerPort() : PgHarness::Get().port();
    testing::LoadSamples(*conn_);
    operator_ = Role("operator");
    alice_ = Role("alice");
    bob_ = Role("bob");
    // The DBA creates the approval tables; the operator may apply, the approvers approve.
    plan_ = Plan(Via("postgres"), {}, "plan.jsonl");
    other_ = Plan(Via("postgres"), {"--prune"}, "other.jsonl");
    const ToolResult made = RunTool({"approve", other_, "--revoke"}, Via("postgres"));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    ExecSql(*conn_, "GRANT ALL ON SCHEMA public TO " + operator_ +
                        "; GRANT ALL ON ALL TABLES IN SCHEMA public TO " + operator_ +
                        "; REVOKE ALL ON scope_migration_settings FROM " + operator_ +
                        "; GRANT SELECT ON scope_migration_settings TO " + operator_);
    for (const std::string& approver : {alice_, bob_}) {
      ExecSql(*conn_, "GRANT USAGE ON SCHEMA public TO " + approver +
                          "; GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + approver +
                          "; GRANT INSERT, UPDATE ON scope_migration_approvals TO " + approver);
    }
  }

  testing::Env Via(const std::string& user) const {
    testing::Env env = env_;
    env["PGPORT"] = port_;
    env["PGUSER"] = user;
    return env;
  }

  std::string Plan(const testing::Env& env, const std::vector<std::string>& extra,
                   const std::string& name) {
    const std::string path = dir_ + "/" + name;
    std::vector<std::string> args = {"plan", "--mapping", kMapping, "--out",
                                     path,   "--format",  "jsonl"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ToolResult r = RunTool(args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return path;
  }

  std::string Role(const std::string& what) {
    const std::string name = what + "_" + db_;
    ExecSql(*conn_, "CREATE ROLE " + name + " LOGIN");
    if (GetParam()) PgHarness::Get().AllowBouncerUser(name);
    return name;
  }

  ToolResult Approve(const std::string& who, const std::string& plan,
                     const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"approve", plan};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTool(args, Via(who));
  }

  ToolResult Apply(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"apply", plan_, "--allow-blocked"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTool(args, Via(operator_));
  }

  long long Runs() { return Count(*conn_, "SELECT count(*) FROM scope_migration_runs"); }

  std::string dir_, port_, operator_, alice_, bob_, plan_, other_;
};

TEST_P(ApprovalsTest, OnlyLiveApprovalsOfThisPlanByOthersCount) {
  // Self-approval does not count.
  ToolResult r = Approve(operator_, plan_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Apply({"--require-approvals", "1"});
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_NE(r.err.find("has 0 approvals by roles other than " + operator_ +
                       " (none); your own approval does not count; --require-approvals "
                       "requires 1. Nothing was written."),
            std::string::npos)
      << r.err;
  // An approval of another plan does not count.
  ASSERT_EQ(Approve(alice_, other_).exit_code, 0);
  EXPECT_EQ(Apply({"--require-approvals", "1"}).exit_code, 7);
  // A revoked approval does not count; approving twice records nothing.
  r = Approve(alice_, plan_, {"--note", "looks right"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("approved plan sha256 "), std::string::npos) << r.out;
  r = Approve(alice_, plan_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("is already approved by " + alice_), std::string::npos) << r.out;
  r = Approve(alice_, plan_, {"--revoke"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("revoked the approval of plan sha256"), std::string::npos) << r.out;
  EXPECT_EQ(Apply({"--require-approvals", "1"}).exit_code, 7);
  EXPECT_EQ(Runs(), 0);
  EXPECT_EQ(Count(*conn_,
                  "SELECT count(*) FROM scope_migration_approvals WHERE revoked_at IS "
                  "NOT NULL"),
            1);
  // Two approvals by others let it through, and the run row records them.
  ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
  EXPECT_EQ(Apply({"--require-approvals", "2"}).exit_code, 7);
  ASSERT_EQ(Approve(bob_, plan_).exit_code, 0);
  r = Apply({"--require-approvals", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("  approved by " + alice_ + " at "), std::string::npos) << r.out;
  testing::ExpectPlanApplied(*conn_, plan_);
  pqxx::read_transaction txn(*conn_);
  const std::string approvals =
      txn.exec("SELECT approvals FROM scope_migration_runs WHERE run_id = 1")[0][0].c_str();
  EXPECT_EQ(approvals.find(alice_ + " at "), 0u) << approvals;
  EXPECT_NE(approvals.find(", " + bob_ + " at "), std::string::npos) << approvals;
}

TEST_P(ApprovalsTest, ShowAndHistoryListThePlansApprovals) {
  // show --db says "not approved" until someone approves; without --db it does not look.
  ToolResult r = RunTool({"show", plan_, "--db", "dbname=" + db_}, Via(operator_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\n  approved none: not approved\n"), std::string::npos) << r.out;
  r = RunTool({"show", plan_}, Via(operator_));
  EXPECT_EQ(r.out.find("approved"), std::string::npos) << r.out;
  ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
  ASSERT_EQ(Approve(bob_, other_).exit_code, 0);
  r = RunTool({"show", plan_, "--db", "dbname=" + db_, "--format", "markdown"}, Via(operator_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::regex one_approval("\n\\| approvals \\| " + alice_ +
                                " at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\|\n");
  EXPECT_TRUE(std::regex_search(r.out, one_approval)) << r.out;
  // The review page lists them in its plan table, escaped like every value.
  r = RunTool({"show", plan_, "--db", "dbname=" + db_, "--format", "html"}, Via(operator_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::regex page_approval("\n<tr><th scope=\"row\">approvals</th><td>" + alice_ +
                                 " at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ</td></tr>\n");
  EXPECT_TRUE(std::regex_search(r.out, page_approval)) << r.out;
  // The run row keeps the approvals apply relied on; every history format shows them.
  ASSERT_EQ(Apply({"--require-approvals", "1"}).exit_code, 0);
  r = RunTool({"history", "--format", "jsonl"}, Via(operator_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(",\"approvals\":\"" + alice_ + " at "), std::string::npos) << r.out;
  r = RunTool({"history"}, Via(operator_));
  EXPECT_NE(r.out.find("approved by " + alice_ + " at "), std::string::npos) << r.out;
  r = RunTool({"history", "--format", "csv"}, Via(operator_));
  EXPECT_NE(r.out.find(",approvals,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("," + alice_ + " at "), std::string::npos) << r.out;
  r = RunTool({"history", "--run", "1"}, Via(operator_));
  EXPECT_NE(r.out.find("\n  approvals       " + alice_ + " at "), std::string::npos) << r.out;
}

TEST_P(ApprovalsTest, TheDatabaseSettingHoldsWithoutTheFlagAndOnlyTheDbaSetsIt) {
  ExecSql(*conn_, "INSERT INTO scope_migration_settings VALUES ('required_approvals', '1')");
  ToolResult r = Apply();
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_NE(r.err.find("the database requires (\"public\".\"scope_migration_settings\" "
                       "required_approvals) 1"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Runs(), 0);
  // The operator cannot lower it.
  pqxx::connection as_operator("host=127.0.0.1 port=" + port_ + " user=" + operator_ +
                               " dbname=" + db_);
  pqxx::work txn(as_operator);
  EXPECT_THROW(txn.exec("UPDATE scope_migration_settings SET value = '0'"),
               pqxx::insufficient_privilege);
  txn.abort();
  ASSERT_EQ(Approve(bob_, plan_).exit_code, 0);
  r = Apply();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_P(ApprovalsTest, AResumedRunChecksTheApprovalsAgain) {
  ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
  const std::vector<std::string> args = {
      "apply", plan_,     "--allow-blocked", "--batch-size",
      "3",     "--pause", "200ms",           "--require-approvals",
      "1"};
  const pid_t pid = testing::SpawnTool(args, Via(operator_), dir_ + "/k.out", dir_ + "/k.err");
  bool started = false;
  for (int i = 0; i < 800 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    try {
      started = Count(*conn_, "SELECT count(*) FROM scope_migration_changes") > 0;
    } catch (const std::exception&) {
    }
  }
  kill(pid, SIGKILL);
  EXPECT_EQ(testing::WaitTool(pid), 128 + SIGKILL);
  ASSERT_TRUE(started) << ReadFile(dir_ + "/k.err");
  // Revoked in between: the resume is refused; approved again: it resumes.
  ASSERT_EQ(Approve(alice_, plan_, {"--revoke"}).exit_code, 0);
  ToolResult r = RunTool(args, Via(operator_));
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  ASSERT_EQ(Approve(bob_, plan_).exit_code, 0);
  r = RunTool(args, Via(operator_));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  testing::ExpectPlanApplied(*conn_, plan_);
  EXPECT_EQ(Count(*conn_,
                  "SELECT count(*) FROM scope_migration_runs WHERE run_id = 2 AND "
                  "approvals LIKE '" +
                      bob_ + " at %'"),
            1);
}

INSTANTIATE_TEST_SUITE_P(Both, ApprovalsTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PgBouncer" : "Direct"; });

}  // namespace
}  // namespace scope_migrate
