// Fleets (SPEC 11.7) on real servers: three databases on two PostgreSQL clusters, the
// second reached through PgBouncer in transaction mode. A fleet plan and apply, run again
// (nothing left: "done before"), history and rollback over the fleet; blocked keys in one
// target refuse the fleet before anything is written; an unreachable target with
// --on-error stop and continue; a fleet apply killed with kill -9 mid-fleet, resumed so
// that only what was left is written; one overrides file over the fleet.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <regex>
#include <set>
#include <sstream>
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
using testing::WriteFile;

constexpr char kMapping[] = "mappings/legacy-roles.yaml";
const char* const kNames[] = {"eu-1", "us-1", "ap-1"};

// The sample keys the shipped mapping blocks: left out so that a fleet applies cleanly.
constexpr char kDropBlocked[] =
    "CREATE TEMP TABLE blocked AS SELECT ('00000000-0000-4000-8000-0000000000' || n)::uuid AS "
    "id FROM unnest(ARRAY['37','38','39','40','41','42','43','47','48']) n; "
    "DELETE FROM api_key_roles WHERE api_key_id IN (SELECT id FROM blocked); "
    "DELETE FROM api_key_scopes WHERE api_key_id IN (SELECT id FROM blocked); "
    "DELETE FROM api_keys WHERE id IN (SELECT id FROM blocked); DROP TABLE blocked";

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PgHarness& pg = PgHarness::Get();
    if (!pg.owned()) GTEST_SKIP() << "needs clusters the harness starts";
    dir_ = testing::MakeTempDir();
    const std::string info = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    const std::string ports[] = {pg.port(), pg.port(), pg.SecondPort()};
    for (int i = 0; i < 3; ++i) {
      dbs_[i] = pg.CreateDatabaseOn(ports[i], info.substr(0, 30) + "_" + std::to_string(i));
      conns_[i] = std::make_unique<pqxx::connection>(pg.ConninfoOn(ports[i], dbs_[i]));
      testing::LoadSamples(*conns_[i]);
      ExecSql(*conns_[i], kDropBlocked);
      before_[i] = testing::DataDigest(*conns_[i]);
    }
    // us-1 through PgBouncer (transaction pooling), ap-1 on the second cluster.
    conninfos_[0] = pg.ConninfoOn(pg.port(), dbs_[0]);
    conninfos_[1] = pg.ConninfoOn(pg.BouncerPort(), dbs_[1]);
    conninfos_[2] = pg.ConninfoOn(pg.SecondPort(), dbs_[2]);
    targets_ = TargetsFile("fleet.yaml", {conninfos_[0], conninfos_[1], conninfos_[2]});
    plans_ = dir_ + "/plans";
  }

  std::string TargetsFile(const std::string& name, const std::vector<std::string>& conninfos) {
    std::string yaml = "targets:\n";
    for (size_t i = 0; i < conninfos.size(); ++i) {
      yaml += "  - name: " + std::string(kNames[i]) + "\n    db: \"" + conninfos[i] + "\"\n";
    }
    WriteFile(dir_ + "/" + name, yaml);
    return dir_ + "/" + name;
  }

  ToolResult Plan() {
    return RunTool({"plan", "--targets", targets_, "--mapping", kMapping, "--out", plans_,
                    "--max-keys", "0", "--detailed-exitcode"});
  }

  long long Runs(int i, const std::string& where = "true") {
    if (Count(*conns_[i],
              "SELECT count(*) FROM pg_tables WHERE tablename = "
              "'scope_migration_runs'") == 0) {
      return 0;
    }
    return Count(*conns_[i], "SELECT count(*) FROM scope_migration_runs WHERE " + where);
  }

  // Whether a process has `argument` among its arguments.
  static bool ProcessRunsWith(const std::string& argument) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::string cmdline;
      try {
        cmdline = ReadFile(entry.path().string() + "/cmdline");
      } catch (const std::exception&) {
        continue;
      }
      if (cmdline.find(argument + '\0') != std::string::npos) return true;
    }
    return false;
  }

  std::string PlanPath(int i) const { return plans_ + "/" + kNames[i] + ".jsonl"; }

  // Every target's conninfo, connecting as `user`.
  std::vector<std::string> As(const std::string& user) const {
    std::vector<std::string> conninfos;
    for (const std::string& conninfo : conninfos_) {
      conninfos.push_back(std::regex_replace(conninfo, std::regex("user=\\S+"), "user=" + user));
    }
    return conninfos;
  }

  // What each target's DBA runs (SPEC 12.3): the audit tables it owns, the grants `op`
  // needs to apply and those `approver` needs to approve. Roles are made once per cluster.
  void InstallAuditTables(const std::string& op, const std::string& approver) {
    for (int i = 0; i < 3; ++i) {
      if (i != 1) ExecSql(*conns_[i], "CREATE ROLE " + op + " LOGIN; CREATE ROLE " + approver + " LOGIN");
      for (const bool approves : {false, true}) {
        std::vector<std::string> args = {"audit-sql", "--grant-to", approves ? approver : op,
                                         "--db", conninfos_[i]};
        if (approves) args.push_back("--approver");
        const ToolResult sql = RunTool(args);
        ASSERT_EQ(sql.exit_code, 0) << sql.err;
        ExecSql(*conns_[i], sql.out);
      }
    }
    PgHarness::Get().AllowBouncerUser(op);
    PgHarness::Get().AllowBouncerUser(approver);
  }

  // The row of the closing table for target `i`: exit code, run id, keys, outcome.
  static std::string OutcomeRow(const std::string& out, const std::string& name) {
    std::smatch m;
    const std::regex row("\n(" + name + "  +(?:-|\\d+) [^\n]*)");
    return std::regex_search(out, m, row) ? std::regex_replace(m[1].str(), std::regex(" +"), " ")
                                          : "";
  }

  std::string dir_, plans_, targets_;
  std::string dbs_[3], conninfos_[3], before_[3];
  std::unique_ptr<pqxx::connection> conns_[3];
};

TEST_F(FleetTest, PlansAppliesAndRollsBackTheFleetAsOneMigration) {
  const ToolResult plan = Plan();
  ASSERT_EQ(plan.exit_code, 2) << plan.err;  // changes pending on some target
  const nlohmann::json index = nlohmann::json::parse(ReadFile(plans_ + "/index.json"));
  ASSERT_EQ(index["targets"].size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const nlohmann::json& entry = index["targets"][i];
    EXPECT_EQ(entry["name"], kNames[i]);
    EXPECT_EQ(entry["plan"], std::string(kNames[i]) + ".jsonl");
    EXPECT_NE(ReadFile(PlanPath(i)).find(entry["sha256"].get<std::string>()), std::string::npos);
    EXPECT_EQ(entry["summary"]["change"], 31u) << kNames[i];
    EXPECT_NE(plan.out.find("=== target " + std::string(kNames[i])), std::string::npos);
  }
  EXPECT_NE(plan.out.find("=== fleet total ==="), std::string::npos);
  EXPECT_TRUE(
      std::regex_search(plan.out, std::regex("\ntotal +126 +93 +.* 3 of 3 targets planned")))
      << plan.out;

  // One --metrics-file shared by every target would be rewritten by each: refused.
  const ToolResult shared = RunTool({"apply", plans_, "--metrics-file", dir_ + "/fleet.prom"});
  EXPECT_EQ(shared.exit_code, 64);
  EXPECT_NE(shared.err.find("a fleet's --metrics-file needs {target} in its path"),
            std::string::npos)
      << shared.err;
  EXPECT_EQ(Runs(0), 0);

  const ToolResult apply =
      RunTool({"apply", plans_, "--parallel-targets", "2", "--metrics-file",
               dir_ + "/{target}.prom"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_NE(apply.out.find("fleet apply of " + plans_ + ": 3 targets (eu-1, us-1, ap-1)"),
            std::string::npos)
      << apply.out;
  for (int i = 0; i < 3; ++i) {
    // Each target's metrics in a file of its own.
    const std::string metrics = ReadFile(dir_ + "/" + kNames[i] + ".prom");
    EXPECT_NE(metrics.find("\nscope_migrate_keys_done 31\n"), std::string::npos) << metrics;
    testing::ExpectPlanApplied(*conns_[i], PlanPath(i));
    EXPECT_EQ(Runs(i, "kind = 'apply' AND status = 'succeeded'"), 1) << kNames[i];
    EXPECT_EQ(OutcomeRow(apply.out, kNames[i]), std::string(kNames[i]) + " 0 1 31 succeeded");
    EXPECT_NE(apply.out.find(std::string(kNames[i]) + " | apply run 1 to "), std::string::npos);
  }

  const ToolResult again = RunTool({"apply", plans_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(OutcomeRow(again.out, kNames[i]), std::string(kNames[i]) + " 0 1 31 done before");
    EXPECT_EQ(Runs(i), 1) << kNames[i];
  }

  const ToolResult history = RunTool({"history", "--targets", targets_, "--format", "csv"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  for (int i = 0; i < 3; ++i) {
    EXPECT_NE(history.out.find("\n" + std::string(kNames[i]) + ",1,apply,succeeded,"),
              std::string::npos)
        << history.out;
  }

  const ToolResult rollback =
      RunTool({"rollback", "--targets", targets_, "--plan", plans_, "--yes"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.out << rollback.err;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(testing::DataDigest(*conns_[i]), before_[i]) << kNames[i];
    EXPECT_EQ(Runs(i, "kind = 'rollback' AND status = 'succeeded'"), 1) << kNames[i];
    // The rollback's own run and keys, in the targets' order.
    EXPECT_EQ(OutcomeRow(rollback.out, kNames[i]), std::string(kNames[i]) + " 0 2 31 rolled back");
  }
  EXPECT_LT(rollback.out.find("\neu-1 "), rollback.out.find("\nus-1 "));
  EXPECT_LT(rollback.out.find("\nus-1 "), rollback.out.find("\nap-1 "));

  // Again: nothing is left to roll back, and the table says so.
  const ToolResult again_rollback =
      RunTool({"rollback", "--targets", targets_, "--plan", plans_, "--yes"});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Runs(i, "kind = 'rollback'"), 1) << kNames[i] << again_rollback.err;
    EXPECT_EQ(OutcomeRow(again_rollback.out, kNames[i]).find(std::string(kNames[i]) + " "), 0u);
    EXPECT_EQ(OutcomeRow(again_rollback.out, kNames[i]).find("rolled back"), std::string::npos)
        << again_rollback.out;
  }
}

TEST_F(FleetTest, BlockedKeysInOneTargetRefuseTheFleetBeforeAnyWrite) {
  ExecSql(*conns_[1],
          "UPDATE api_key_roles SET role = 'Billing Clerk' WHERE api_key_id = "
          "'00000000-0000-4000-8000-000000000001'");
  const std::string us_before = testing::DataDigest(*conns_[1]);
  const auto blocked_scopes = testing::ScopesOf(*conns_[1], "00000000-0000-4000-8000-000000000001");
  ASSERT_EQ(Plan().exit_code, 3);  // blocked keys on one target

  const ToolResult refused = RunTool({"apply", plans_});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("blocked keys in the plans of us-1 (1); nothing was written"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(testing::DataDigest(*conns_[0]), before_[0]);
  EXPECT_EQ(testing::DataDigest(*conns_[1]), us_before);
  EXPECT_EQ(Runs(0) + Runs(1) + Runs(2), 0);

  // Two targets at a time, events as JSON: each target's event names its target.
  const ToolResult allowed = RunTool(
      {"apply", plans_, "--allow-blocked", "--parallel-targets", "2", "--log-format", "json"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  std::set<std::string> finished;
  std::istringstream err(allowed.err);
  for (std::string line; std::getline(err, line);) {
    const nlohmann::json event = nlohmann::json::parse(line);  // every line is JSON
    if (event["event"] == "fleet_finished") continue;          // the fleet's own
    ASSERT_TRUE(event.contains("target")) << line;
    if (event["event"] == "run_finished") finished.insert(event["target"].get<std::string>());
  }
  EXPECT_EQ(finished, (std::set<std::string>{"eu-1", "us-1", "ap-1"}));
  for (int i = 0; i < 3; ++i) testing::ExpectPlanApplied(*conns_[i], PlanPath(i));
  EXPECT_EQ(testing::ScopesOf(*conns_[1], "00000000-0000-4000-8000-000000000001"), blocked_scopes);
}

TEST_F(FleetTest, AnUnreachableTargetFailsAloneWithStopAndWithContinue) {
  ASSERT_EQ(Plan().exit_code, 2);
  // us-1 now reached at a port nothing listens on.
  const std::string down = TargetsFile(
      "down.yaml", {conninfos_[0], "host=127.0.0.1 port=1 dbname=" + dbs_[1], conninfos_[2]});
  const ToolResult stop = RunTool({"apply", plans_, "--targets", down});
  EXPECT_EQ(stop.exit_code, 1);
  EXPECT_EQ(OutcomeRow(stop.out, "eu-1"), "eu-1 0 1 31 succeeded");
  EXPECT_TRUE(std::regex_search(OutcomeRow(stop.out, "us-1"),
                                std::regex("^us-1 1 - - failed: cannot connect .* port 1 ")))
      << stop.out;
  EXPECT_EQ(OutcomeRow(stop.out, "ap-1"), "ap-1 - - - not started");
  EXPECT_EQ(Runs(2), 0);
  // The failure on stderr too, by name, and the fleet's own command to resume.
  EXPECT_NE(stop.err.find("us-1 | scope-migrate: cannot connect to PostgreSQL at host 127.0.0.1 "
                          "port 1 "),
            std::string::npos)
      << stop.err;
  EXPECT_NE(stop.err.find("scope-migrate: fleet apply: 2 of 3 targets did not succeed: us-1 (1), "
                          "ap-1 (not started)"),
            std::string::npos)
      << stop.err;

  // With --log-format json: every line JSON, the error an event naming its target.
  const ToolResult json = RunTool({"apply", plans_, "--targets", down, "--log-format", "json"});
  EXPECT_EQ(json.exit_code, 1);
  bool target_error = false, fleet_error = false, finished = false;
  std::istringstream lines(json.err);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event["event"] == "error" && event.value("target", "") == "us-1") {
      target_error = event["message"].get<std::string>().find("cannot connect") == 0;
    }
    if (event["event"] == "error" && !event.contains("target")) {
      fleet_error = event["exit_code"] == 1;
    }
    if (event["event"] == "fleet_finished") {
      finished = event["targets"].size() == 3 && event["targets"][1]["target"] == "us-1" &&
                 event["targets"][1]["exit_code"] == 1;
    }
  }
  EXPECT_TRUE(target_error && fleet_error && finished) << json.err;

  const ToolResult go_on = RunTool({"apply", plans_, "--targets", down, "--on-error", "continue"});
  EXPECT_EQ(go_on.exit_code, 1);
  EXPECT_EQ(OutcomeRow(go_on.out, "eu-1"), "eu-1 0 1 31 done before");
  EXPECT_NE(OutcomeRow(go_on.out, "us-1").find("us-1 1 - - failed: cannot connect"),
            std::string::npos);
  EXPECT_EQ(OutcomeRow(go_on.out, "ap-1"), "ap-1 0 1 31 succeeded");
  testing::ExpectPlanApplied(*conns_[2], PlanPath(2));
  EXPECT_EQ(testing::DataDigest(*conns_[1]), before_[1]);
}

TEST_F(FleetTest, AFleetKilledMidwayResumesOnlyWhatIsLeft) {
  ASSERT_EQ(Plan().exit_code, 2);
  const pid_t fleet = testing::SpawnTool({"apply", plans_, "--batch-size", "1", "--batch-time", "0",
                                          "--pause", "100ms", "--lock-lease", "1s"},
                                         {}, dir_ + "/killed.out", dir_ + "/killed.err");
  ASSERT_GT(fleet, 0);
  // Killed once us-1 (the second target) has committed some keys, not all.
  bool midway = false;
  for (int i = 0; i < 600 && !midway; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    midway = Runs(1) > 0 && Count(*conns_[1],
                                  "SELECT coalesce(sum(keys_changed), 0) FROM "
                                  "scope_migration_runs") >= 3;
  }
  kill(fleet, SIGKILL);
  testing::WaitTool(fleet);
  ASSERT_TRUE(midway) << ReadFile(dir_ + "/killed.out");
  // The target's own process died with the fleet.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    gone = !ProcessRunsWith(PlanPath(1));
  }
  EXPECT_TRUE(gone);
  const long long written = Count(*conns_[1], "SELECT sum(keys_changed) FROM scope_migration_runs");
  EXPECT_LT(written, 31);
  testing::ExpectNoKeyHalfWritten(*conns_[1], PlanPath(1));
  EXPECT_EQ(Runs(2), 0);

  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the lease expires
  const ToolResult resumed = RunTool({"apply", plans_, "--lock-lease", "1s"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(OutcomeRow(resumed.out, "eu-1"), "eu-1 0 1 31 done before");
  EXPECT_EQ(OutcomeRow(resumed.out, "us-1"),
            "us-1 0 2 " + std::to_string(31 - written) + " succeeded");
  EXPECT_EQ(OutcomeRow(resumed.out, "ap-1"), "ap-1 0 1 31 succeeded");
  for (int i = 0; i < 3; ++i) testing::ExpectPlanApplied(*conns_[i], PlanPath(i));
  EXPECT_EQ(Runs(0), 1);
  EXPECT_EQ(Runs(1), 2);
}

TEST_F(FleetTest, SigtermStopsTheTargetInFlightAfterItsBatchAndNamesTheFleetsResume) {
  ASSERT_EQ(Plan().exit_code, 2);
  const pid_t fleet = testing::SpawnTool(
      {"apply", plans_, "--batch-size", "1", "--batch-time", "0", "--pause", "100ms"}, {},
      dir_ + "/int.out", dir_ + "/int.err");
  ASSERT_GT(fleet, 0);
  bool started = false;
  for (int i = 0; i < 600 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    started =
        Runs(0) > 0 && Count(*conns_[0], "SELECT keys_changed FROM scope_migration_runs") >= 2;
  }
  kill(fleet, SIGTERM);
  EXPECT_EQ(testing::WaitTool(fleet), 130);
  ASSERT_TRUE(started);
  const std::string out = ReadFile(dir_ + "/int.out");
  const std::string err = ReadFile(dir_ + "/int.err");
  // The command that resumes is the fleet's, never one target's own apply.
  const std::string resume = "Resume the fleet with: scope-migrate apply " + plans_ +
                             " --batch-size 1 --batch-time 0 --pause 100ms\n";
  EXPECT_NE(err.find(resume), std::string::npos) << err;
  EXPECT_EQ((out + err).find("Resume with: scope-migrate apply --db"), std::string::npos)
      << out << err;
  EXPECT_EQ(Count(*conns_[0],
                  "SELECT count(*) FROM scope_migration_runs WHERE status = "
                  "'interrupted'"),
            1);
  EXPECT_TRUE(
      std::regex_search(OutcomeRow(out, "eu-1"), std::regex("^eu-1 130 1 \\d+ interrupted: ")))
      << out;
  EXPECT_EQ(OutcomeRow(out, "us-1"), "us-1 130 - - not started");
  EXPECT_EQ(Runs(1) + Runs(2), 0);
  testing::ExpectNoKeyHalfWritten(*conns_[0], PlanPath(0));

  // The same command resumes it: the interrupted run's lease was released.
  const ToolResult resumed = RunTool({"apply", plans_});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  for (int i = 0; i < 3; ++i) testing::ExpectPlanApplied(*conns_[i], PlanPath(i));
}

TEST_F(FleetTest, APlanThatIsNotTheIndexsIsRefusedBeforeAnyTargetWrites) {
  ASSERT_EQ(Plan().exit_code, 2);
  const std::string us = ReadFile(PlanPath(1));
  // Another valid plan in its place: its own checksum holds, the index's sha256 does not.
  WriteFile(PlanPath(1), ReadFile(PlanPath(0)));
  const ToolResult swapped = RunTool({"apply", plans_});
  EXPECT_EQ(swapped.exit_code, 65);
  EXPECT_NE(swapped.err.find(PlanPath(1) + " has sha256 "), std::string::npos) << swapped.err;
  EXPECT_NE(swapped.err.find("not the plan that was reviewed; nothing was written"),
            std::string::npos);
  // An edited byte: the plan's own checksum fails.
  std::string edited = us;
  edited.replace(edited.find("\"add\":[\""), 8, "\"add\":[\"X");
  WriteFile(PlanPath(1), edited);
  const ToolResult damaged = RunTool({"apply", plans_});
  EXPECT_EQ(damaged.exit_code, 65);
  EXPECT_NE(damaged.err.find(PlanPath(1) + ":"), std::string::npos) << damaged.err;
  EXPECT_EQ(Runs(0) + Runs(1) + Runs(2), 0);
  EXPECT_EQ(testing::DataDigest(*conns_[0]), before_[0]);
}

TEST_F(FleetTest, AnIndexHoldingAPasswordIsRefusedUnseen) {
  ASSERT_EQ(Plan().exit_code, 2);
  std::string index = ReadFile(plans_ + "/index.json");
  const std::string db = "\"db\": \"" + conninfos_[1] + "\"";
  ASSERT_NE(index.find(db), std::string::npos);
  index.replace(index.find(db), db.size(), "\"db\": \"" + conninfos_[1] + " password=hunter2\"");
  WriteFile(plans_ + "/index.json", index);
  const ToolResult refused = RunTool({"apply", plans_});
  EXPECT_EQ(refused.exit_code, 65);
  EXPECT_EQ(refused.err, "scope-migrate: " + plans_ +
                             "/index.json: target us-1: a password in the connection string (not "
                             "shown); give it in ~/.pgpass or PGPASSFILE instead\n");
  EXPECT_EQ(Runs(0), 0);
}

// Regression (issue 29 row 14): a re-plan with a target down used to keep the old index and
// overwrite the plans of the targets that were reached, which the next apply refused.
TEST_F(FleetTest, ARePlanReplacesTheDirectoryWholeOrLeavesItAsItWas) {
  ASSERT_EQ(Plan().exit_code, 2);
  const std::string index = ReadFile(plans_ + "/index.json");
  const std::string eu = ReadFile(PlanPath(0));
  // eu-1's plan would now differ (a key becomes blocked); us-1 is down.
  ExecSql(*conns_[0],
          "UPDATE api_key_roles SET role = 'Billing Clerk' WHERE api_key_id = "
          "'00000000-0000-4000-8000-000000000001'");
  const std::string down = TargetsFile(
      "down.yaml", {conninfos_[0], "host=127.0.0.1 port=1 dbname=" + dbs_[1], conninfos_[2]});
  const ToolResult failed = RunTool({"plan", "--targets", down, "--mapping", kMapping, "--out",
                                     plans_, "--max-keys", "0"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(ReadFile(plans_ + "/index.json"), index);
  EXPECT_EQ(ReadFile(PlanPath(0)), eu);
  EXPECT_NE(failed.err.find("1 target could not be planned; " + plans_ + " was left as it was"),
            std::string::npos)
      << failed.err;
  // The total keeps the file's order, the target that failed in its place.
  const std::regex order("\neu-1 [^\n]*\nus-1 [^\n]*NOT PLANNED: cannot connect[^\n]*\nap-1 [^\n]*"
                         "\ntotal [^\n]* 2 of 3 targets planned\n");
  EXPECT_TRUE(std::regex_search(failed.out, order)) << failed.out;
  EXPECT_EQ(RunTool({"apply", plans_, "--target", "ap-1"}).exit_code, 0);  // the old index holds

  // A plan of one target replaces the whole directory: no stale plan of the others.
  const ToolResult one = RunTool({"plan", "--targets", targets_, "--target", "eu-1", "--mapping",
                                  kMapping, "--out", plans_, "--max-keys", "0"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find(" 1 of 1 target planned\n"), std::string::npos) << one.out;
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(plans_)) {
    files.insert(entry.path().filename().string());
  }
  EXPECT_EQ(files, (std::set<std::string>{"index.json", "eu-1.jsonl"}));
  EXPECT_NE(one.err.find("next: each approver runs `scope-migrate approve " + plans_ +
                         "`, then `scope-migrate apply " + plans_ + "`"),
            std::string::npos)
      << one.err;

  // Never into a directory another user owns or others can write (issue 27 finding 5), nor
  // one holding other files.
  const auto plan_into = [&](const std::string& out) {
    return RunTool({"plan", "--targets", targets_, "--mapping", kMapping, "--out", out});
  };
  const std::string open = dir_ + "/open";
  std::filesystem::create_directory(open);
  chmod(open.c_str(), 0777);
  ToolResult refused = plan_into(open);
  EXPECT_EQ(refused.exit_code, 64);
  EXPECT_NE(refused.err.find(open + " can be written by group or others (mode 0777)"),
            std::string::npos)
      << refused.err;
  chmod(open.c_str(), 0700);
  ASSERT_EQ(chown(open.c_str(), 65534, 65534), 0);
  refused = plan_into(open);
  EXPECT_EQ(refused.exit_code, 64);
  EXPECT_NE(refused.err.find(open + " is owned by another user (uid 65534)"), std::string::npos)
      << refused.err;
  EXPECT_TRUE(std::filesystem::is_empty(open));
  WriteFile(plans_ + "/notes.txt", "mine");
  refused = plan_into(plans_);
  EXPECT_EQ(refused.exit_code, 64);
  EXPECT_NE(refused.err.find(plans_ + " holds notes.txt, which is not part of a fleet plan"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(ReadFile(plans_ + "/notes.txt"), "mine");
}

// Regression (issue 29 row 19): `plan --targets ... | true` reported "cannot write the plan
// file" for each remaining target; like a single plan, it ends quietly.
TEST_F(FleetTest, APlanIntoAClosedPipeEndsQuietly) {
  const std::string err = dir_ + "/pipe.err";
  const std::string command = "set -o pipefail; cd '" + testing::SourceDir() + "' && '" +
                              SCOPE_MIGRATE_BIN + "' plan --targets '" + targets_ +
                              "' --mapping " + kMapping + " --out '" + plans_ + "' 2>'" + err +
                              "' | true";
  const int status = std::system(("bash -c \"" + command + "\"").c_str());
  EXPECT_EQ(WEXITSTATUS(status), 0) << ReadFile(err);
  EXPECT_EQ(ReadFile(err).find("cannot write"), std::string::npos) << ReadFile(err);
}

// Issue 27 finding 5: a fleet planned with an edited mapping is refused by
// `apply DIR --mapping TRUSTED` before any target writes.
TEST_F(FleetTest, ApplyDirPinsEveryPlanToTheTrustedMapping) {
  std::string mapping = ReadFile(testing::SourcePath(kMapping));
  mapping.replace(mapping.find("catalog: scopes.yaml"), 20,
                  "catalog: " + testing::SourcePath("mappings/scopes.yaml"));
  const std::string read_only = "read-only: true\n    scopes: [\"*-read\"]";
  mapping.replace(mapping.find(read_only), read_only.size(), "scopes: [\"*\"]");  // Auditor: all
  WriteFile(dir_ + "/edited.yaml", mapping);
  ASSERT_EQ(RunTool({"plan", "--targets", targets_, "--mapping", dir_ + "/edited.yaml", "--out",
                     plans_})
                .exit_code,
            0);
  const ToolResult refused = RunTool({"apply", plans_, "--mapping", kMapping});
  EXPECT_EQ(refused.exit_code, 65) << refused.err;
  EXPECT_NE(refused.err.find(PlanPath(0) + ":1:1: "), std::string::npos) << refused.err;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Runs(i), 0);
    EXPECT_EQ(testing::DataDigest(*conns_[i]), before_[i]);
  }
  const ToolResult pinned =
      RunTool({"apply", plans_, "--mapping", dir_ + "/edited.yaml", "--target", "eu-1"});
  EXPECT_EQ(pinned.exit_code, 0) << pinned.err;
  EXPECT_NE(pinned.out.find("was made with " + dir_ + "/edited.yaml"), std::string::npos);
}

// SPEC 12.2 in a fleet: one overrides file serves every target; an override whose key no
// target has is refused (65 at its line) once every target is planned, and DIR is not
// created; apply DIR --mapping pins every plan to the --overrides file too.
TEST_F(FleetTest, OneOverridesFileServesEveryTargetAndAKeyOfNoTargetIsRefused) {
  const std::string overrides = dir_ + "/overrides.yaml";
  const std::string five =
      "version: 1\noverrides:\n  - key: \"00000000-0000-4000-8000-000000000005\"\n"
      "    add: [report-management-read]\n    reason: \"OPS-512\"\n";
  WriteFile(overrides, five + "  - key: \"00000000-0000-4000-8000-000000000099\"\n"
                              "    add: [beta-preview]\n    reason: \"OPS-9\"\n");
  const std::vector<std::string> plan = {"plan",        "--targets", targets_, "--mapping",
                                         kMapping,      "--overrides", overrides, "--out",
                                         plans_,        "--max-keys",  "0"};
  const ToolResult refused = RunTool(plan);
  EXPECT_EQ(refused.exit_code, 65) << refused.err;
  EXPECT_NE(refused.err.find(overrides + ":6:10: override of key "
                             "00000000-0000-4000-8000-000000000099: the key is not a legacy key "
                             "of any target of the fleet"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(std::filesystem::exists(plans_));

  WriteFile(overrides, five);
  const ToolResult planned = RunTool(plan);
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  for (int i = 0; i < 3; ++i) {
    std::istringstream in(ReadFile(PlanPath(i)));
    std::string header;
    std::getline(in, header);
    EXPECT_EQ(nlohmann::json::parse(header)["overrides"]["applied"], 1) << kNames[i];
  }
  const ToolResult unpinned = RunTool({"apply", plans_, "--mapping", kMapping});
  EXPECT_EQ(unpinned.exit_code, 65) << unpinned.err;
  EXPECT_NE(unpinned.err.find("a pinned apply needs --overrides FILE too"), std::string::npos)
      << unpinned.err;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(testing::DataDigest(*conns_[i]), before_[i]);
  const ToolResult pinned =
      RunTool({"apply", plans_, "--mapping", kMapping, "--overrides", overrides});
  EXPECT_EQ(pinned.exit_code, 0) << pinned.err;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(testing::ScopesOf(*conns_[i], "00000000-0000-4000-8000-000000000005").count(
                  "report-management-read"),
              1u)
        << kNames[i];
  }
}

// Issue 27 point 5: approve DIR and show DIR, and apply DIR checks every target's approvals
// before any target writes (a fleet with one target not approved was half-migrated).
TEST_F(FleetTest, AFleetIsWrittenOnlyWhenEveryTargetsPlanIsApproved) {
  ASSERT_EQ(Plan().exit_code, 2);
  // Each target's DBA runs what audit-sql prints (SPEC 12.3): the audit tables it owns, an
  // operator that applies and alice who approves, on eu-1 only.
  const std::string op = "op_" + dbs_[0];
  const std::string alice = "alice_" + dbs_[0];
  InstallAuditTables(op, alice);
  const std::string as_op = TargetsFile("op.yaml", As(op));
  const ToolResult approved = RunTool({"approve", plans_, "--targets",
                                       TargetsFile("alice.yaml", As(alice)), "--target", "eu-1",
                                       "--note", "CHG-7"});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_NE(approved.out.find("=== target eu-1 ===\napproved plan sha256 "), std::string::npos)
      << approved.out;

  const ToolResult refused =
      RunTool({"apply", plans_, "--targets", as_op, "--require-approvals", "1"});
  EXPECT_EQ(refused.exit_code, 7) << refused.err;
  EXPECT_NE(refused.err.find("not every target's plan is approved; nothing was written on any "
                             "target:\n  us-1: apply: plan sha256 "),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("\n  ap-1: apply: plan sha256 "), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("eu-1:"), std::string::npos) << refused.err;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Runs(i), 0) << kNames[i];
    EXPECT_EQ(testing::DataDigest(*conns_[i]), before_[i]) << kNames[i];
  }

  // show DIR: each target's plan, in order; with --targets, its approvals.
  const ToolResult shown = RunTool({"show", plans_, "--targets", targets_, "--max-keys", "0"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const size_t eu = shown.out.find("=== target eu-1 ===");
  const size_t us = shown.out.find("=== target us-1 ===");
  ASSERT_NE(eu, std::string::npos);
  ASSERT_NE(us, std::string::npos);
  EXPECT_LT(eu, us);
  EXPECT_LT(us, shown.out.find("=== target ap-1 ==="));
  EXPECT_NE(shown.out.substr(eu, us - eu).find("approved " + alice + " at "), std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.substr(us).find("not approved"), std::string::npos) << shown.out;
  // The plans alone, without a database.
  const ToolResult offline = RunTool({"show", plans_, "--max-keys", "0"});
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_EQ(offline.out.find("approved"), std::string::npos) << offline.out;

  // Applying only the approved target goes ahead.
  const ToolResult one = RunTool(
      {"apply", plans_, "--targets", as_op, "--require-approvals", "1", "--target", "eu-1"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  testing::ExpectPlanApplied(*conns_[0], PlanPath(0));
}

}  // namespace
}  // namespace scope_migrate
