// Approvals of an exact plan (SPEC 11.4) on a real server, directly and through PgBouncer in
// transaction mode, with three login roles: an operator who applies and two approvers, each
// connecting as itself. Self-approval, an approval of another plan and a revoked approval do
// not count; two approvals by others let apply through and the run row records them; the
// database-side setting holds without the flag and the operator cannot change it; a resumed
// run checks the approvals again.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <pqxx/pqxx>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "pg/db_errors.h"
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
    // The DBA (postgres) runs what audit-sql prints: the tables it owns, the operator's
    // grants and each approver's; nobody gets more.
    Dba({"audit-sql", "--grant-to", operator_});
    for (const std::string& approver : {alice_, bob_}) {
      Dba({"audit-sql", "--grant-to", approver, "--approver"});
    }
    plan_ = Plan(Via(operator_), {}, "plan.jsonl");
    other_ = Plan(Via(operator_), {"--prune"}, "other.jsonl");
  }

  void Dba(const std::vector<std::string>& audit_sql) {
    std::vector<std::string> args = audit_sql;
    args.insert(args.end(), {"--db", db_});
    const ToolResult sql = RunTool(args, env_);
    ASSERT_EQ(sql.exit_code, 0) << sql.err;
    ExecSql(*conn_, sql.out);
  }

  // A connection as `who`, straight to the server: what an insider types into psql.
  std::unique_ptr<pqxx::connection> As(const std::string& who) {
    return std::make_unique<pqxx::connection>("host=127.0.0.1 port=" + port_ + " user=" + who +
                                              " dbname=" + db_);
  }

  // The SQLSTATE `sql` fails with as `who` ("" when it succeeds).
  std::string TryAs(const std::string& who, const std::string& sql) {
    auto conn = As(who);
    try {
      pqxx::work txn(*conn);
      txn.exec(sql);
      txn.commit();
      return "";
    } catch (const std::exception& e) {
      return SqlState(e);  // libpqxx 6.4's sqlstate() may be empty
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

  // The plan file's sha256 (from its summary line).
  static std::string PlanFile(const std::string& path) {
    const std::string text = ReadFile(path);
    const size_t at = text.rfind("\"sha256\":\"") + 10;
    return text.substr(at, 64);
  }

  long long Runs() { return Count(*conn_, "SELECT count(*) FROM scope_migration_runs"); }

  std::string dir_, port_, operator_, alice_, bob_, plan_, other_;
};

TEST_P(ApprovalsTest, OnlyLiveApprovalsOfThisPlanByOthersCount) {
  // Self-approval does not count (the operator has no grant to record one).
  ExecSql(*conn_, "GRANT INSERT (plan_sha256, approver, note, tool_version) ON "
                  "scope_migration_approvals TO " + operator_);
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
  // A code span, as every value from data in Markdown (issue 27, finding 12).
  const std::regex one_approval("\n\\| approvals \\| `" + alice_ +
                                " at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ` \\|\n");
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
  EXPECT_EQ(TryAs(operator_, "UPDATE scope_migration_settings SET value = '0'"), "42501");
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

// Issue 27, row 3: an approver inserts an approval in another's name, revives a revoked
// one, moves one to another plan, deletes one; the database refuses each, whoever asks.
TEST_P(ApprovalsTest, AnApproverCannotApproveForAnotherNorReviveOrMoveAnApproval) {
  ExecSql(*conn_, "INSERT INTO scope_migration_settings VALUES ('required_approvals', '2')");
  const std::string sha = PlanFile(plan_);
  EXPECT_EQ(TryAs(alice_, "INSERT INTO scope_migration_approvals (plan_sha256, approver) "
                          "VALUES ('" + sha + "', '" + bob_ + "')"),
            "42501");
  ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
  ASSERT_EQ(Approve(bob_, plan_).exit_code, 0);
  ASSERT_EQ(Approve(bob_, plan_, {"--revoke"}).exit_code, 0);
  const std::string revived = "UPDATE scope_migration_approvals SET revoked_at = NULL";
  EXPECT_EQ(TryAs(alice_, revived + " WHERE approver = '" + bob_ + "'"), "");  // not hers
  EXPECT_EQ(TryAs(bob_, revived), "");      // a revoked row is no longer bob's to update
  EXPECT_EQ(TryAs(alice_, revived), "42501");  // her live one: the trigger refuses it
  EXPECT_EQ(TryAs(alice_, "UPDATE scope_migration_approvals SET plan_sha256 = 'other'"),
            "42501");
  EXPECT_EQ(TryAs(alice_, "UPDATE scope_migration_approvals SET approver = '" + bob_ + "'"),
            "42501");
  EXPECT_EQ(TryAs(alice_, "DELETE FROM scope_migration_approvals"), "42501");
  // The trigger holds even for the tables' owner.
  EXPECT_EQ(TryAs("postgres", revived), "42501");
  EXPECT_EQ(TryAs("postgres", "TRUNCATE scope_migration_approvals"), "42501");
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_approvals WHERE plan_sha256 = '" +
                              sha + "' AND (approver = '" + alice_ +
                              "' AND revoked_at IS NULL OR approver = '" + bob_ +
                              "' AND revoked_at IS NOT NULL)"),
            2);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_approvals"), 2);
  const std::string before = testing::DataDigest(*conn_);
  const ToolResult r = Apply();
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_NE(r.err.find("has 1 approval by roles other than " + operator_ + " (" + alice_),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Runs(), 0);
  EXPECT_EQ(testing::DataDigest(*conn_), before);
}

// Issue 27, row 2: the operator records its run in a schema of its own; the DBA's
// requirement still holds, and tables of its own there are refused, never used.
TEST_P(ApprovalsTest, AnAuditSchemaOfTheOperatorsOwnDoesNotEscapeTheRequirement) {
  ExecSql(*conn_, "INSERT INTO scope_migration_settings VALUES ('required_approvals', '2'); "
                  "GRANT CREATE ON DATABASE " + db_ + " TO " + operator_);
  ASSERT_EQ(TryAs(operator_, "CREATE SCHEMA scratch"), "");
  const std::string before = testing::DataDigest(*conn_);
  ToolResult r = Apply({"--audit-schema", "scratch"});
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_NE(r.err.find("the database requires (\"public\".\"scope_migration_settings\" "
                       "required_approvals) 2"),
            std::string::npos)
      << r.err;
  ASSERT_EQ(TryAs(operator_, "CREATE TABLE scratch.scope_migration_settings (key text, value "
                             "text); INSERT INTO scratch.scope_migration_settings VALUES "
                             "('required_approvals', '0')"),
            "");
  r = Apply({"--audit-schema", "scratch"});
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_NE(r.err.find("the table \"scratch\".\"scope_migration_settings\" (owner " + operator_ +
                       ") is not trusted: row-level security is not enabled and forced"),
            std::string::npos)
      << r.err;
  ASSERT_EQ(TryAs(operator_, "ALTER TABLE scratch.scope_migration_settings ENABLE ROW LEVEL "
                             "SECURITY, FORCE ROW LEVEL SECURITY"),
            "");
  r = Apply({"--audit-schema", "scratch"});
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_NE(r.err.find("(owner " + operator_ + ") is not trusted: its owner differs"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(testing::DataDigest(*conn_), before);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scratch.scope_migration_runs"), 0);
  // Dropped, and approved by two others: the run goes through, recorded in scratch.
  ASSERT_EQ(TryAs(operator_, "DROP TABLE scratch.scope_migration_settings"), "");
  ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
  ASSERT_EQ(Approve(bob_, plan_).exit_code, 0);
  r = Apply({"--audit-schema", "scratch"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  testing::ExpectPlanApplied(*conn_, plan_);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scratch.scope_migration_runs WHERE approvals "
                          "LIKE '" + alice_ + " at %, " + bob_ + " at %'"),
            1);
}

// A role that could forge approvals whatever the policies say cannot meet a requirement.
TEST_P(ApprovalsTest, ARoleThatCouldForgeApprovalsIsRefused) {
  ExecSql(*conn_, "INSERT INTO scope_migration_settings VALUES ('required_approvals', '1')");
  ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
  const std::string before = testing::DataDigest(*conn_);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ALTER ROLE " + operator_ + " BYPASSRLS", "it has BYPASSRLS"},
      {"GRANT postgres TO " + operator_, "it is postgres, the owner of"},
      {"GRANT TRUNCATE ON scope_migration_settings TO " + operator_,
       "it holds TRUNCATE or TRIGGER on \"public\".\"scope_migration_settings\""}};
  for (const auto& [grant, reason] : cases) {
    ExecSql(*conn_, grant);
    const ToolResult r = Apply();
    EXPECT_EQ(r.exit_code, 7) << grant << r.out << r.err;
    EXPECT_NE(r.err.find("could forge or erase approvals whatever the database's policies say (" +
                         reason),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("Apply as an operator role"), std::string::npos) << r.err;
    ExecSql(*conn_, "ALTER ROLE " + operator_ + " NOBYPASSRLS; REVOKE postgres FROM " +
                        operator_ + "; REVOKE TRUNCATE ON scope_migration_settings FROM " +
                        operator_);
  }
  const ToolResult r = RunTool({"apply", plan_, "--allow-blocked"}, Via("postgres"));
  EXPECT_EQ(r.exit_code, 7) << r.out << r.err;
  EXPECT_NE(r.err.find("(it is a superuser)"), std::string::npos) << r.err;
  EXPECT_EQ(Runs(), 0);
  EXPECT_EQ(testing::DataDigest(*conn_), before);
  ASSERT_EQ(Apply().exit_code, 0);
  testing::ExpectPlanApplied(*conn_, plan_);
}

// Issue 27, row 4: a revocation during a run stops it after the batch in flight.
TEST_P(ApprovalsTest, ARevocationDuringTheRunStopsItAfterTheBatchInFlight) {
  ExecSql(*conn_, "INSERT INTO scope_migration_settings VALUES ('required_approvals', '1')");
  ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
  const std::string before = testing::DataDigest(*conn_);
  for (const bool single : {false, true}) {
    const std::string gates = testing::MakeTempDir();
    std::ofstream(gates + "/write").put('\n');
    testing::Env env = Via(operator_);
    env["SCOPE_MIGRATE_TEST_PAUSE_DIR"] = gates;
    std::vector<std::string> args = {"apply", plan_, "--allow-blocked", "--batch-size", "3"};
    if (single) args.push_back("--single-transaction");
    const pid_t pid = testing::SpawnTool(args, env, dir_ + "/r.out", dir_ + "/r.err");
    struct Release {  // whatever fails below, the paused run goes on and ends
      std::string gate;
      ~Release() { std::remove(gate.c_str()); }
    } release{gates + "/write"};
    for (int i = 0; i < 6000 && !std::ifstream(gates + "/write.reached"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(std::ifstream(gates + "/write.reached")) << ReadFile(dir_ + "/r.err");
    ASSERT_EQ(Approve(alice_, plan_, {"--revoke"}).exit_code, 0);
    std::remove((gates + "/write").c_str());
    EXPECT_EQ(testing::WaitTool(pid), 7) << ReadFile(dir_ + "/r.err");
    const std::string err = ReadFile(dir_ + "/r.err");
    EXPECT_NE(err.find("batch 2 starting at key "), std::string::npos) << err;
    EXPECT_NE(err.find("an approval of plan sha256 " + PlanFile(plan_) +
                       " was revoked during the run: 0 approvals by roles other than " +
                       operator_ + " remain; the database requires"),
              std::string::npos)
        << err;
    const std::string run = single ? "3" : "1";
    EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs WHERE run_id = " + run +
                                " AND status = 'interrupted' AND message LIKE '%was revoked "
                                "during the run%'"),
              1);
    // Only the batch in flight committed (none with --single-transaction).
    EXPECT_EQ(Count(*conn_, "SELECT count(DISTINCT api_key_id) FROM scope_migration_changes "
                            "WHERE run_id = " + run),
              single ? 0 : 3);
    if (single) {
      EXPECT_EQ(testing::DataDigest(*conn_), before);
    } else {
      testing::ExpectNoKeyHalfWritten(*conn_, plan_);  // roll the first batch back for the second round
      ASSERT_EQ(Approve(bob_, plan_).exit_code, 0);
      ASSERT_EQ(RunTool({"rollback", "--run", "1", "--yes"}, Via(operator_)).exit_code, 0);
      ASSERT_EQ(Approve(bob_, plan_, {"--revoke"}).exit_code, 0);
      ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
      EXPECT_EQ(testing::DataDigest(*conn_), before);
    }
  }
}

// After a rollback of the plan, an approver approves it again: a new approval is recorded.
TEST_P(ApprovalsTest, ApprovingAgainAfterARollbackRecordsANewApproval) {
  ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
  ASSERT_EQ(Apply({"--require-approvals", "1"}).exit_code, 0);
  ToolResult r = Approve(alice_, plan_);
  EXPECT_NE(r.out.find("is already approved by " + alice_), std::string::npos) << r.out;
  ASSERT_EQ(RunTool({"rollback", "--run", "1", "--yes"}, Via(operator_)).exit_code, 0);
  r = Approve(alice_, plan_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(a new approval: the plan was rolled back since the last one)"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_approvals WHERE approver = '" +
                              alice_ + "' AND revoked_at IS NULL"),
            2);
}

// Issue 27, row 1: the operator inserts audit rows by hand (and a made-up run) so that a
// rollback would add god-mode; rollback refuses, names them, writes nothing; history
// --verify lists them; once the DBA removes them, the approved plan rolls back, even after a
// revocation. (Directly only: nothing here depends on the pooler.)
class InsiderRollbackTest : public ApprovalsTest {};

TEST_P(InsiderRollbackTest, RollbackRevertsOnlyWhatTheRunsPlanChanged) {
  ExecSql(*conn_, "INSERT INTO scope_migration_settings VALUES ('required_approvals', '2')");
  const std::string initial = testing::DataDigest(*conn_);
  ASSERT_EQ(Approve(alice_, plan_).exit_code, 0);
  ASSERT_EQ(Approve(bob_, plan_).exit_code, 0);
  ASSERT_EQ(Apply().exit_code, 0);
  const std::string applied = testing::DataDigest(*conn_);
  const std::string blocked = "00000000-0000-4000-8000-000000000048";  // not changed by the plan
  ASSERT_EQ(TryAs(operator_, "INSERT INTO scope_migration_changes (run_id, api_key_id, scope, "
                             "action) VALUES (1, '" + blocked + "', 'god-mode', 'remove'), (1, '" +
                             blocked + "', 'access-management-write', 'remove'); "
                             "INSERT INTO scope_migration_runs (run_id, kind, status, "
                             "plan_sha256) VALUES (900, 'apply', 'succeeded', '" +
                             PlanFile(plan_) + "'); INSERT INTO scope_migration_changes VALUES "
                             "(900, '" + blocked + "', 'god-mode', 'remove')"),
            "");
  for (const std::string run : {"1", "900"}) {
    const ToolResult r = RunTool({"rollback", "--run", run, "--yes"}, Via(operator_));
    EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
    EXPECT_NE(r.err.find("run " + run + " has " + (run == "1" ? "2" : "1") +
                         " audit rows that match no change of its plan (written by hand?); "
                         "nothing was written:\n  key " + blocked +
                         " scope " + (run == "1" ? "access-management-write" : "god-mode") +
                         " remove: the plan changes no key " + blocked),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(testing::DataDigest(*conn_), applied);
  EXPECT_EQ(Runs(), 2);  // the apply and the made-up run; no rollback run
  ToolResult r = RunTool({"history", "--verify", "1"}, Via(operator_));
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_EQ(r.out, "run 1: 2 audit rows match no change of its plan " + PlanFile(plan_) +
                       ":\n  key " + blocked + " scope access-management-write remove: the plan "
                       "changes no key " + blocked + "\n  key " + blocked + " scope god-mode "
                       "remove: the plan changes no key " + blocked + "\n");
  // The DBA removes them; a revocation since the run does not block the rollback.
  ExecSql(*conn_, "DELETE FROM scope_migration_changes WHERE api_key_id = '" + blocked + "'");
  ASSERT_EQ(Approve(bob_, plan_, {"--revoke"}).exit_code, 0);
  r = RunTool({"history", "--verify", "1"}, Via(operator_));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // A plan file that is not the run's is refused.
  r = RunTool({"rollback", "--run", "1", "--plan", other_}, Via(operator_));
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_NE(r.err.find("rollback reverts only by the run's own plan"), std::string::npos) << r.err;
  r = RunTool({"rollback", "--run", "1", "--yes"}, Via(operator_));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(testing::DataDigest(*conn_), initial);
}

INSTANTIATE_TEST_SUITE_P(Direct, InsiderRollbackTest, ::testing::Values(false));

INSTANTIATE_TEST_SUITE_P(Both, ApprovalsTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PgBouncer" : "Direct"; });

}  // namespace
}  // namespace scope_migrate
