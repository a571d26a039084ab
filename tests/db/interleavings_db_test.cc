// Writing beside live traffic (SPEC 11.1): each application action on a key, at each moment
// of the tool's batch on that key, driven deterministically with two real connections, and
// the exact outcome: the tool's exit code, whether the application's statement had to wait
// (it runs under a 200ms lock_timeout while the tool holds its batch open), the key's
// scope rows and the audit rows. docs/production.md has the same table in prose.
//
// "In flight": the application's change is made but not committed while the tool runs;
// the test commits it once the tool has finished, or once the tool waits on it.
// "Paused at read"/"paused at write": the tool stops inside its batch (the test-only
// pause point of write/test_pause.h) after reading its keys under their locks, or after
// writing and auditing them, and the application acts then and commits.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pg/db.h"
#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::DbTest;
using testing::RunTool;

// Key #25 of the samples: role Product Manager, scopes beta-preview and
// product-management-read. With --prune its plan adds four scopes and removes beta-preview.
const char kKey[] = "00000000-0000-4000-8000-000000000025";
const std::set<std::string> kPlanned = {"contract-order-management-read",
                                        "document-management-read", "product-management-read",
                                        "product-management-write", "tenant-management-read"};
const std::set<std::string> kBefore = {"beta-preview", "product-management-read"};
const std::set<std::string> kToolAll = {
    "add contract-order-management-read", "add document-management-read",
    "add product-management-write", "add tenant-management-read", "remove beta-preview"};

enum class Action { kInsertScope, kDeleteRemoved, kDeleteKept, kAddRole, kTouch, kDeleteKey };
enum class Moment { kBefore, kInFlight, kPausedAtRead, kPausedAtWrite, kAfter };

std::string Sql(Action action) {
  const std::string key = std::string("'") + kKey + "'";
  switch (action) {
    case Action::kInsertScope:  // one of the scopes the plan adds
      return "INSERT INTO api_key_scopes VALUES (" + key + ", 'tenant-management-read')";
    case Action::kDeleteRemoved:  // the scope the plan removes
      return "DELETE FROM api_key_scopes WHERE api_key_id = " + key + " AND scope = 'beta-preview'";
    case Action::kDeleteKept:  // a scope the plan keeps
      return "DELETE FROM api_key_scopes WHERE api_key_id = " + key +
             " AND scope = 'product-management-read'";
    case Action::kAddRole:
      return "INSERT INTO api_key_roles VALUES (" + key + ", 'Auditor')";
    case Action::kTouch:
      return "UPDATE api_keys SET last_used_at = now() WHERE id = " + key;
    case Action::kDeleteKey:
      return "DELETE FROM api_key_scopes WHERE api_key_id = " + key +
             "; DELETE FROM api_key_roles WHERE api_key_id = " + key +
             "; DELETE FROM api_keys WHERE id = " + key;
  }
  return "";
}

struct Case {
  const char* name;
  Action action;
  Moment moment;
  int exit_code;                 // the tool's
  const char* app_state;         // the application's SQLSTATE, "" when it went through
  bool tool_waits;               // in flight: the tool waits for the application's commit
  std::set<std::string> scopes;  // the key's scope rows at the end
  std::set<std::string> audit;   // "add X" / "remove X" rows of the tool's run
};

std::set<std::string> Without(std::set<std::string> set, const std::string& item) {
  set.erase(item);
  return set;
}

const Case kCases[] = {
    // The application inserts a scope the plan adds.
    {"InsertScopeBefore",
     Action::kInsertScope,
     Moment::kBefore,
     4,
     "",
     false,
     {"beta-preview", "product-management-read", "tenant-management-read"},
     {}},
    {"InsertScopeInFlight", Action::kInsertScope, Moment::kInFlight, 0, "", true, kPlanned,
     Without(kToolAll, "add tenant-management-read")},
    {"InsertScopeAtRead", Action::kInsertScope, Moment::kPausedAtRead, 0, "", false, kPlanned,
     Without(kToolAll, "add tenant-management-read")},
    {"InsertScopeAtWrite", Action::kInsertScope, Moment::kPausedAtWrite, 0, "55P03", false,
     kPlanned, kToolAll},
    {"InsertScopeAfter", Action::kInsertScope, Moment::kAfter, 0, "23505", false, kPlanned,
     kToolAll},
    // The application deletes the scope the plan removes.
    {"DeleteRemovedBefore",
     Action::kDeleteRemoved,
     Moment::kBefore,
     4,
     "",
     false,
     {"product-management-read"},
     {}},
    {"DeleteRemovedInFlight", Action::kDeleteRemoved, Moment::kInFlight, 0, "", true, kPlanned,
     Without(kToolAll, "remove beta-preview")},
    {"DeleteRemovedAtRead", Action::kDeleteRemoved, Moment::kPausedAtRead, 0, "", false, kPlanned,
     Without(kToolAll, "remove beta-preview")},
    {"DeleteRemovedAtWrite", Action::kDeleteRemoved, Moment::kPausedAtWrite, 0, "55P03", false,
     kPlanned, kToolAll},
    {"DeleteRemovedAfter", Action::kDeleteRemoved, Moment::kAfter, 0, "", false, kPlanned,
     kToolAll},
    // The application deletes a scope the plan keeps: never re-inserted.
    {"DeleteKeptBefore", Action::kDeleteKept, Moment::kBefore, 4, "", false, {"beta-preview"}, {}},
    {"DeleteKeptInFlight", Action::kDeleteKept, Moment::kInFlight, 0, "", false,
     Without(kPlanned, "product-management-read"), kToolAll},
    {"DeleteKeptAtRead", Action::kDeleteKept, Moment::kPausedAtRead, 0, "", false,
     Without(kPlanned, "product-management-read"), kToolAll},
    {"DeleteKeptAtWrite", Action::kDeleteKept, Moment::kPausedAtWrite, 0, "", false,
     Without(kPlanned, "product-management-read"), kToolAll},
    {"DeleteKeptAfter", Action::kDeleteKept, Moment::kAfter, 0, "", false,
     Without(kPlanned, "product-management-read"), kToolAll},
    // The application gives the key another role.
    {"AddRoleBefore", Action::kAddRole, Moment::kBefore, 4, "", false, kBefore, {}},
    {"AddRoleInFlight", Action::kAddRole, Moment::kInFlight, 0, "", false, kPlanned, kToolAll},
    {"AddRoleAtRead", Action::kAddRole, Moment::kPausedAtRead, 0, "", false, kPlanned, kToolAll},
    {"AddRoleAtWrite", Action::kAddRole, Moment::kPausedAtWrite, 0, "", false, kPlanned, kToolAll},
    {"AddRoleAfter", Action::kAddRole, Moment::kAfter, 0, "", false, kPlanned, kToolAll},
    // The application touches last_used_at: never waits, never makes the key stale.
    {"TouchBefore", Action::kTouch, Moment::kBefore, 0, "", false, kPlanned, kToolAll},
    {"TouchInFlight", Action::kTouch, Moment::kInFlight, 0, "", false, kPlanned, kToolAll},
    {"TouchAtRead", Action::kTouch, Moment::kPausedAtRead, 0, "", false, kPlanned, kToolAll},
    {"TouchAtWrite", Action::kTouch, Moment::kPausedAtWrite, 0, "", false, kPlanned, kToolAll},
    {"TouchAfter", Action::kTouch, Moment::kAfter, 0, "", false, kPlanned, kToolAll},
    // The application deletes the key (its scopes and roles, then the key).
    {"DeleteKeyBefore", Action::kDeleteKey, Moment::kBefore, 4, "", false, {}, {}},
    {"DeleteKeyInFlight", Action::kDeleteKey, Moment::kInFlight, 4, "", true, {}, {}},
    {"DeleteKeyAtRead", Action::kDeleteKey, Moment::kPausedAtRead, 0, "55P03", false, kPlanned,
     kToolAll},
    {"DeleteKeyAtWrite", Action::kDeleteKey, Moment::kPausedAtWrite, 0, "55P03", false, kPlanned,
     kToolAll},
    {"DeleteKeyAfter", Action::kDeleteKey, Moment::kAfter, 0, "", false, {}, kToolAll},
};

class InterleavingTest : public DbTest, public ::testing::WithParamInterface<Case> {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    testing::LoadSamples(*conn_);
    testing::ExecSql(*conn_, "ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz");
    app_ = testing::PgHarness::Get().Connect(db_);
    dir_ = testing::MakeTempDir();
    plan_ = dir_ + "/plan.jsonl";
    const auto plan = RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--prune",
                               "--key", kKey, "--out", plan_},
                              env_);
    ASSERT_EQ(plan.exit_code, 0) << plan.err;
  }

  std::vector<std::string> ApplyArgs() const {
    return {"apply", plan_, "--lock-timeout", "20s", "--yes"};
  }

  // The application's action in one transaction; with `wait_ms`, under that lock_timeout.
  // Its SQLSTATE, or "" when it committed.
  std::string AppActs(int wait_ms) {
    try {
      pqxx::work txn(*app_);
      if (wait_ms > 0) txn.exec("SET LOCAL lock_timeout = '" + std::to_string(wait_ms) + "ms'");
      txn.exec(Sql(GetParam().action));
      txn.commit();
      return "";
    } catch (const pqxx::sql_error& e) {
      return SqlState(e);
    }
  }

  pid_t Spawn(const testing::Env& env) {
    return testing::SpawnTool(ApplyArgs(), env, dir_ + "/out", dir_ + "/err");
  }

  bool Exists(const std::string& path) {
    struct stat info;
    return stat(path.c_str(), &info) == 0;
  }

  // Polls until `ready` holds (the tool reached a point or waits); fails after a minute.
  template <typename F>
  void Until(F ready, const std::string& what) {
    for (int i = 0; i < 2400; ++i) {
      if (ready()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL() << "timed out waiting until " << what;
  }

  bool ToolWaitsOnLock() {
    return testing::Count(*conn_,
                          "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE "
                          "'scope-migrate apply%' AND wait_event_type = 'Lock'") > 0;
  }

  // Runs the case's moment; returns the tool's exit code and the application's SQLSTATE.
  std::pair<int, std::string> Drive() {
    const Case& c = GetParam();
    switch (c.moment) {
      case Moment::kBefore: {
        const std::string app = AppActs(0);
        return {RunTool(ApplyArgs(), env_).exit_code, app};
      }
      case Moment::kAfter: {
        const int code = RunTool(ApplyArgs(), env_).exit_code;
        return {code, AppActs(200)};
      }
      case Moment::kInFlight:
        return InFlight(c.tool_waits);
      case Moment::kPausedAtRead:
        return Paused("read");
      case Moment::kPausedAtWrite:
        return Paused("write");
    }
    return {-1, ""};
  }

  std::pair<int, std::string> InFlight(bool tool_waits) {
    auto txn = std::make_unique<pqxx::work>(*app_);
    txn->exec(Sql(GetParam().action));
    const pid_t pid = Spawn(env_);
    int code = -1;
    if (tool_waits) {
      Until([&] { return ToolWaitsOnLock(); }, "the tool waits on the application");
      txn->commit();
      code = testing::WaitTool(pid);
    } else {
      code = testing::WaitTool(pid);  // finishes while the application's change is open
      txn->commit();
    }
    return {code, ""};
  }

  std::pair<int, std::string> Paused(const std::string& point) {
    const std::string gates = dir_ + "/gates";
    mkdir(gates.c_str(), 0700);
    testing::WriteFile(gates + "/" + point, "");
    testing::Env env = env_;
    env["SCOPE_MIGRATE_TEST_PAUSE_DIR"] = gates;
    const pid_t pid = Spawn(env);
    Until([&] { return Exists(gates + "/" + point + ".reached"); }, "the tool pauses at " + point);
    const std::string app = AppActs(200);  // the tool holds its batch open all this time
    unlink((gates + "/" + point).c_str());
    return {testing::WaitTool(pid), app};
  }

  std::set<std::string> AuditRows() {
    std::set<std::string> rows;
    pqxx::read_transaction txn(*conn_);
    if (txn.exec("SELECT to_regclass('scope_migration_changes') IS NULL")[0][0].as<bool>()) {
      return rows;
    }
    for (const auto& row : txn.exec("SELECT action || ' ' || scope FROM scope_migration_changes")) {
      rows.insert(row[0].c_str());
    }
    return rows;
  }

  std::unique_ptr<pqxx::connection> app_;
  std::string dir_, plan_;
};

TEST_P(InterleavingTest, OutcomeIsExact) {
  const Case& c = GetParam();
  const auto [exit_code, app_state] = Drive();
  EXPECT_EQ(exit_code, c.exit_code) << testing::ReadFile(dir_ + "/err");
  EXPECT_EQ(app_state, c.app_state);
  EXPECT_EQ(testing::ScopesOf(*conn_, kKey), c.scopes);
  EXPECT_EQ(AuditRows(), c.audit);
  // The run's counters are the audit rows, never the plan's.
  if (c.exit_code == 0) {
    EXPECT_EQ(
        testing::Count(*conn_, "SELECT scopes_added + scopes_removed FROM scope_migration_runs"),
        static_cast<long long>(c.audit.size()));
  }
}

INSTANTIATE_TEST_SUITE_P(AppActionByToolStep, InterleavingTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

class InterleavingRollbackTest : public DbTest {};

// A scope the application added after the run is not the run's: rollback leaves it.
TEST_F(InterleavingRollbackTest, RollbackKeepsAScopeTheApplicationAddedAfterTheRun) {
  testing::LoadSamples(*conn_);
  const std::string dir = testing::MakeTempDir(), plan = dir + "/plan.jsonl";
  ASSERT_EQ(RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--prune", "--key", kKey,
                     "--out", plan},
                    env_)
                .exit_code,
            0);
  ASSERT_EQ(RunTool({"apply", plan, "--yes"}, env_).exit_code, 0);
  testing::ExecSql(*conn_, std::string("INSERT INTO api_key_scopes VALUES ('") + kKey +
                               "', 'report-management-read')");
  const auto rollback = RunTool({"rollback", "--run", "1", "--yes"}, env_);
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(
      testing::ScopesOf(*conn_, kKey),
      (std::set<std::string>{"beta-preview", "product-management-read", "report-management-read"}));
}

// A scope the application inserted while the tool wrote is not the tool's add, so a
// rollback of the run does not remove it.
TEST_F(InterleavingRollbackTest, RollbackKeepsAScopeTheApplicationInsertedFirst) {
  testing::LoadSamples(*conn_);
  const std::string dir = testing::MakeTempDir(), plan = dir + "/plan.jsonl";
  ASSERT_EQ(RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--prune", "--key", kKey,
                     "--out", plan},
                    env_)
                .exit_code,
            0);
  const std::string gates = dir + "/gates";
  mkdir(gates.c_str(), 0700);
  testing::WriteFile(gates + "/read", "");
  testing::Env env = env_;
  env["SCOPE_MIGRATE_TEST_PAUSE_DIR"] = gates;
  const pid_t pid = testing::SpawnTool({"apply", plan, "--yes"}, env, dir + "/out", dir + "/err");
  for (int i = 0; i < 2400 && access((gates + "/read.reached").c_str(), F_OK) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  testing::ExecSql(*conn_, std::string("INSERT INTO api_key_scopes VALUES ('") + kKey +
                               "', 'tenant-management-read')");
  unlink((gates + "/read").c_str());
  ASSERT_EQ(testing::WaitTool(pid), 0) << testing::ReadFile(dir + "/err");
  const auto rollback = RunTool({"rollback", "--run", "1", "--yes"}, env_);
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(
      testing::ScopesOf(*conn_, kKey),
      (std::set<std::string>{"beta-preview", "product-management-read", "tenant-management-read"}));
}

}  // namespace
}  // namespace scope_migrate
