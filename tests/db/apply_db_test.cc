// Database tests of `apply`, `rollback` and `history` against a real PostgreSQL 15: exact
// scopes after apply, the audit trail, idempotent re-runs, stale and tampered plans, the
// run lock, kill -9 and a terminated backend with resume, rollback and --prune.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/db_util.h"
#include "support/pg_harness.h"
#include "write/run_lease.h"

namespace scope_migrate {
namespace {

using testing::Count;
using testing::DataDigest;
using testing::ReadFile;
using testing::RunTool;
using testing::ScopesOf;
using testing::SpawnTool;
using testing::ToolResult;
using testing::WaitTool;
using testing::WriteFile;
using json = nlohmann::json;
using Scopes = std::set<std::string>;

constexpr char kMapping[] = "mappings/legacy-roles.yaml";
constexpr char kKey1[] = "00000000-0000-4000-8000-000000000001";

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string KeyId(int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

struct PlanKey {
  std::string id, status;
  Scopes current, target, add, remove;
};

struct Plan {
  json header, summary;
  std::vector<PlanKey> keys;
  std::vector<PlanKey> Changes() const {
    std::vector<PlanKey> out;
    for (const auto& k : keys)
      if (k.status == "change") out.push_back(k);
    return out;
  }
};

Scopes ToSet(const json& array) {
  Scopes out;
  if (array.is_array())
    for (const auto& s : array) out.insert(s.get<std::string>());
  return out;
}

Scopes Union(const Scopes& a, const Scopes& b) {
  Scopes out = a;
  out.insert(b.begin(), b.end());
  return out;
}

Plan ParsePlanText(const std::string& text) {
  Plan plan;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json j = json::parse(line);
    const std::string type = j.at("type");
    if (type == "header") {
      plan.header = j;
    } else if (type == "summary") {
      plan.summary = j;
    } else if (type == "key") {
      PlanKey k;
      k.id = j.at("id");
      k.status = j.at("status");
      // Format 2: empty lists left out; target and remove derived (plan_format.h).
      k.current = ToSet(j.value("current", json::array()));
      k.add = ToSet(j.value("add", json::array()));
      const Scopes extra = ToSet(j.value("extra", json::array()));
      if (plan.header.value("prune", false) && k.status == "change") k.remove = extra;
      k.target = Union(k.current, k.add);
      for (const auto& s : extra) k.target.erase(s);
      plan.keys.push_back(k);
    }
  }
  return plan;
}

// A change key's scopes after apply: current + add - remove. This is its target unless it
// keeps an extra scope (without --prune: key #25 keeps beta-preview).
Scopes Final(const PlanKey& k) {
  Scopes out = Union(k.current, k.add);
  for (const auto& s : k.remove) out.erase(s);
  return out;
}

// The target, plus the extra scopes the plan keeps (current - target when not removed).
Scopes TargetPlusKeptExtra(const PlanKey& k) {
  Scopes out = k.target;
  for (const auto& s : k.current)
    if (!k.remove.count(s)) out.insert(s);
  return out;
}

std::string Join(const Scopes& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ",") + x;
  return "{" + out + "}";
}

class ApplyTest : public testing::DbTest {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    dir_ = testing::MakeTempDir();
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }

  ToolResult Run(const std::vector<std::string>& args) { return RunTool(args, env_); }

  // Plans against the test database into <dir>/<name>; returns the path.
  std::string MakePlan(const std::string& name = "p.jsonl",
                       const std::vector<std::string>& extra = {}) {
    const std::string path = dir_ + "/" + name;
    std::vector<std::string> args = {"plan", "--mapping", kMapping, "--out", path};
    args.insert(args.end(), extra.begin(), extra.end());
    const ToolResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << "plan failed:\n" << r.out << r.err;
    return path;
  }

  // Every key's scopes, by id.
  std::map<std::string, Scopes> AllScopes() {
    pqxx::read_transaction txn(*conn_);
    std::map<std::string, Scopes> out;
    for (const auto& row : txn.exec("SELECT id::text FROM api_keys")) out[row[0].c_str()];
    for (const auto& row : txn.exec("SELECT api_key_id::text, scope FROM api_key_scopes"))
      out[row[0].c_str()].insert(row[1].c_str());
    return out;
  }

  // One row of scope_migration_runs as column -> text ("" for NULL).
  std::map<std::string, std::string> RunRow(long long run_id,
                                            const std::string& schema = "public") {
    pqxx::read_transaction txn(*conn_);
    const pqxx::result r = txn.exec_params(
        "SELECT * FROM " + txn.quote_name(schema) + ".scope_migration_runs WHERE run_id = $1",
        run_id);
    std::map<std::string, std::string> out;
    if (r.empty()) return out;
    for (const auto& f : r[0]) out[f.name()] = f.is_null() ? "" : f.c_str();
    return out;
  }

  bool AuditTablesExist() {
    return Count(*conn_,
                 "SELECT count(*) FROM (VALUES (to_regclass('scope_migration_runs')), "
                 "(to_regclass('scope_migration_changes'))) v(c) WHERE c IS NOT NULL") > 0;
  }

  // Polls `condition` every 50 ms for up to `seconds`.
  bool WaitFor(const std::function<bool()>& condition, double seconds = 20) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        if (condition()) return true;
      } catch (const std::exception&) {
        // e.g. the audit tables do not exist yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  long long ChangeRows() {
    if (!AuditTablesExist()) return 0;
    return Count(*conn_, "SELECT count(*) FROM scope_migration_changes");
  }

  long long AdvisoryLocksHere() {
    return Count(*conn_,
                 "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                 "(SELECT oid FROM pg_database WHERE datname = current_database())");
  }

  void Exec(const std::string& sql) {
    pqxx::work txn(*conn_);
    txn.exec(sql);
    txn.commit();
  }

  // Every change key of `plan` holds exactly its target (plus the extra scopes kept
  // without --prune: only key #25's beta-preview in the sample).
  void ExpectTargets(const Plan& plan) {
    const auto now = AllScopes();
    int n = 0;
    for (const auto& k : plan.Changes()) {
      EXPECT_EQ(Join(now.at(k.id)), Join(Final(k))) << k.id;
      EXPECT_EQ(Join(now.at(k.id)), Join(TargetPlusKeptExtra(k))) << k.id;
      if (k.id != KeyId(25)) {
        EXPECT_EQ(Join(now.at(k.id)), Join(k.target)) << k.id;
      }
      ++n;
    }
    EXPECT_EQ(n, 31);
  }

  void ExpectNoDuplicateChanges() {
    EXPECT_EQ(
        Count(*conn_, "SELECT count(*) FROM scope_migration_changes"),
        Count(*conn_, "SELECT count(DISTINCT (api_key_id, scope)) FROM scope_migration_changes"));
  }

  // Adds a role to the change key at 0-based position `index` among the plan's change keys.
  std::string MakeStale(const Plan& plan, size_t index) {
    const auto changes = plan.Changes();
    EXPECT_GT(changes.size(), index);
    const std::string id = changes.at(index).id;
    pqxx::work txn(*conn_);
    txn.exec_params(
        "INSERT INTO api_key_roles (api_key_id, role) VALUES ($1::uuid, 'Beta preview')", id);
    txn.commit();
    return id;
  }

  std::string dir_;
};

// 1 -----------------------------------------------------------------------------------------
TEST_F(ApplyTest, ApplySamplePlanWritesExactTargets) {
  testing::LoadSamples(*conn_);
  const auto before = AllScopes();
  const std::string path = MakePlan();
  const Plan plan = ParsePlanText(ReadFile(path));
  ASSERT_EQ(plan.summary.at("change"), 31);
  ASSERT_EQ(plan.summary.at("unchanged"), 5);
  ASSERT_EQ(plan.summary.at("drift"), 3);
  ASSERT_EQ(plan.summary.at("blocked"), 9);
  ASSERT_EQ(plan.summary.at("skipped"), 3);
  ASSERT_EQ(plan.summary.at("excluded_post_cutoff"), 8);
  ASSERT_EQ(plan.summary.at("scopes_to_add"), 312);

  const ToolResult r = Run({"apply", path, "--allow-blocked"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  ExpectTargets(plan);
  ASSERT_EQ(plan.keys.at(24).id, KeyId(25));
  EXPECT_EQ(Join(ScopesOf(*conn_, KeyId(25))),
            Join(Union(plan.keys.at(24).target, {"beta-preview"})));
  const auto after = AllScopes();
  std::set<std::string> in_plan;
  for (const auto& k : plan.keys) {
    in_plan.insert(k.id);
    if (k.status != "change") {
      EXPECT_EQ(Join(after.at(k.id)), Join(before.at(k.id))) << k.id << " (" << k.status << ")";
    }
  }
  // Keys not in the plan (post cutoff) are untouched too.
  EXPECT_EQ(in_plan.size(), 51u);
  EXPECT_EQ(after.size(), before.size());
  for (const auto& [id, scopes] : before) {
    if (!in_plan.count(id)) {
      EXPECT_EQ(Join(after.at(id)), Join(scopes)) << id;
    }
  }

  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE run_id = 1"), 312);
  EXPECT_EQ(
      Count(*conn_,
            "SELECT count(*) FROM scope_migration_changes WHERE run_id = 1 AND action = 'add'"),
      312);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE run_id <> 1"), 0);
  // The audit rows are exactly the plan's adds.
  std::set<std::pair<std::string, std::string>> audit, planned;
  {
    pqxx::read_transaction txn(*conn_);
    for (const auto& row : txn.exec("SELECT api_key_id, scope FROM scope_migration_changes"))
      audit.emplace(row[0].c_str(), row[1].c_str());
  }
  for (const auto& k : plan.Changes())
    for (const auto& s : k.add) planned.emplace(k.id, s);
  EXPECT_EQ(audit, planned);

  auto run = RunRow(1);
  ASSERT_FALSE(run.empty());
  EXPECT_EQ(run["kind"], "apply");
  EXPECT_EQ(run["status"], "succeeded");
  EXPECT_EQ(run["keys_changed"], "31");
  EXPECT_EQ(run["scopes_added"], "312");
  EXPECT_EQ(run["scopes_removed"], "0");
  EXPECT_EQ(run["plan_sha256"], plan.summary.at("sha256").get<std::string>());
  EXPECT_EQ(run["mapping_sha256"], plan.header.at("mapping_sha256").get<std::string>());
  EXPECT_FALSE(run["operator"].empty());
  EXPECT_FALSE(run["finished_at"].empty());
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs"), 1);

  const ToolResult again =
      Run({"plan", "--mapping", kMapping, "--format", "jsonl", "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 3) << again.err;
  const Plan replan = ParsePlanText(again.out);
  EXPECT_EQ(replan.summary.at("change"), 0);
  EXPECT_EQ(replan.summary.at("unchanged"), 35);
  EXPECT_EQ(replan.summary.at("drift"), 4);
  EXPECT_EQ(replan.summary.at("blocked"), 9);
  EXPECT_EQ(replan.summary.at("scopes_to_add"), 0);
}

// 2 -----------------------------------------------------------------------------------------
TEST_F(ApplyTest, BlockedKeysExit3AndWriteNothing) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const std::string digest = DataDigest(*conn_);
  const ToolResult r = Run({"apply", path});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("blocked"), std::string::npos) << r.err;
  EXPECT_EQ(DataDigest(*conn_), digest);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM pg_class WHERE relname LIKE 'scope_migration%'"),
            0);
  EXPECT_EQ(Count(*conn_, "SELECT (to_regclass('scope_migration_runs') IS NULL)::int"), 1);
}

// 3 -----------------------------------------------------------------------------------------
TEST_F(ApplyTest, RerunIsIdempotent) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const Plan plan = ParsePlanText(ReadFile(path));
  const ToolResult first = Run({"apply", path, "--allow-blocked"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string digest = DataDigest(*conn_);

  const ToolResult second = Run({"apply", path, "--allow-blocked"});
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("0 keys changed"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("31 keys were already applied"), std::string::npos) << second.out;
  EXPECT_EQ(DataDigest(*conn_), digest);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 312);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE run_id = 2"), 0);
  ExpectNoDuplicateChanges();
  auto run2 = RunRow(2);
  EXPECT_EQ(run2["status"], "succeeded");
  EXPECT_EQ(run2["keys_changed"], "0");
  EXPECT_EQ(run2["scopes_added"], "0");
  EXPECT_EQ(RunRow(1)["status"], "succeeded");
  ExpectTargets(plan);
}

// 4 -----------------------------------------------------------------------------------------
TEST_F(ApplyTest, StalePlanExits4) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  Exec("INSERT INTO api_key_roles (api_key_id, role) VALUES ('" + std::string(kKey1) +
       "', 'Beta preview')");
  const std::string digest = DataDigest(*conn_);

  const ToolResult r = Run({"apply", path, "--allow-blocked", "--batch-size", "1000"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find(kKey1), std::string::npos) << r.err;
  // The message says what changed since the plan.
  EXPECT_NE(r.err.find("changed since the plan: roles now have +\"Beta preview\" (the plan saw ["),
            std::string::npos)
      << r.err;
  EXPECT_EQ(DataDigest(*conn_), digest);
  EXPECT_EQ(RunRow(1)["status"], "stale");
  EXPECT_EQ(RunRow(1)["keys_changed"], "0");
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 0);
}

TEST_F(ApplyTest, StaleKeyInThirdBatchKeepsFirstTwoBatches) {
  testing::LoadSamples(*conn_);
  const auto before = AllScopes();
  const std::string path = MakePlan();
  const Plan plan = ParsePlanText(ReadFile(path));
  const auto changes = plan.Changes();
  ASSERT_EQ(changes.size(), 31u);
  const std::string stale = MakeStale(plan, 12);  // position 13: batch 3 with --batch-size 5

  const ToolResult r = Run({"apply", path, "--allow-blocked", "--batch-size", "5"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find(stale), std::string::npos) << r.err;

  const auto after = AllScopes();
  long long added = 0;
  std::set<std::string> written;
  for (size_t i = 0; i < changes.size(); ++i) {
    const auto& k = changes[i];
    if (i < 10) {
      EXPECT_EQ(Join(after.at(k.id)), Join(Final(k))) << "batch 1-2 key " << k.id;
      added += static_cast<long long>(k.add.size());
      written.insert(k.id);
    } else {
      EXPECT_EQ(Join(after.at(k.id)), Join(before.at(k.id))) << "batch 3+ key " << k.id;
    }
  }
  for (const auto& [id, scopes] : before) {
    if (!written.count(id)) {
      EXPECT_EQ(Join(after.at(id)), Join(scopes)) << id;
    }
  }
  auto run = RunRow(1);
  EXPECT_EQ(run["status"], "stale");
  EXPECT_EQ(run["keys_changed"], "10");
  EXPECT_EQ(run["scopes_added"], std::to_string(added));
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), added);
  EXPECT_EQ(Count(*conn_, "SELECT count(DISTINCT api_key_id) FROM scope_migration_changes"), 10);
}

// 5 -----------------------------------------------------------------------------------------
TEST_F(ApplyTest, TamperedPlanExits65) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const std::string text = ReadFile(path);
  const std::string digest = DataDigest(*conn_);

  // One character of an "add" list in a change line.
  std::string edited = text;
  const size_t line_start = edited.find("\"status\":\"change\"");
  ASSERT_NE(line_start, std::string::npos);
  const size_t add = edited.find("\"add\":[\"", line_start);
  ASSERT_NE(add, std::string::npos);
  const size_t ch = add + 8;
  edited[ch] = edited[ch] == 'a' ? 'b' : 'a';
  ASSERT_NE(edited, text);
  ASSERT_EQ(edited.size(), text.size());
  WriteFile(dir_ + "/edited.jsonl", edited);

  // Truncated: the summary line dropped.
  std::string body = text;
  if (!body.empty() && body.back() == '\n') body.pop_back();
  const std::string truncated = body.substr(0, body.rfind('\n') + 1);
  ASSERT_LT(truncated.size(), text.size());
  WriteFile(dir_ + "/truncated.jsonl", truncated);

  // A key line appended after the summary.
  const size_t first_key = text.find("{\"type\":\"key\"");
  ASSERT_NE(first_key, std::string::npos);
  const std::string key_line = text.substr(first_key, text.find('\n', first_key) - first_key + 1);
  WriteFile(dir_ + "/appended.jsonl", text + key_line);

  for (const std::string name : {"edited.jsonl", "truncated.jsonl", "appended.jsonl"}) {
    const ToolResult r = Run({"apply", dir_ + "/" + name, "--allow-blocked"});
    EXPECT_EQ(r.exit_code, 65) << name << "\n" << r.out << r.err;
    EXPECT_EQ(DataDigest(*conn_), digest) << name;
    EXPECT_FALSE(AuditTablesExist()) << name;
  }
  // The original still applies.
  const ToolResult ok = Run({"apply", path, "--allow-blocked"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// 6 -----------------------------------------------------------------------------------------
TEST_F(ApplyTest, MappingModeAppliesWithYes) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const Plan plan = ParsePlanText(ReadFile(path));
  const auto before = AllScopes();
  const std::string digest = DataDigest(*conn_);

  const ToolResult no_yes = Run({"apply", "--mapping", kMapping, "--allow-blocked"});
  EXPECT_EQ(no_yes.exit_code, 64) << no_yes.err;
  EXPECT_EQ(DataDigest(*conn_), digest);
  EXPECT_FALSE(AuditTablesExist());

  const ToolResult r = Run({"apply", "--mapping", kMapping, "--yes", "--allow-blocked"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ExpectTargets(plan);
  const auto after = AllScopes();
  for (const auto& k : plan.keys) {
    if (k.status != "change") {
      EXPECT_EQ(Join(after.at(k.id)), Join(before.at(k.id))) << k.id;
    }
  }
  auto run = RunRow(1);
  EXPECT_EQ(run["status"], "succeeded");
  EXPECT_EQ(run["keys_changed"], "31");
  EXPECT_EQ(run["scopes_added"], "312");
  EXPECT_EQ(run["mapping_sha256"], plan.header.at("mapping_sha256").get<std::string>());
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 312);
}

// 7 -----------------------------------------------------------------------------------------
// The run lock is a lease row: a live lease of another run refuses a second run at once
// (exit 5) naming the holder; an expired one is taken over and the takeover recorded.
TEST_F(ApplyTest, LiveLeaseExits5AndExpiredLeaseIsTakenOver) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const std::string digest = DataDigest(*conn_);
  const ToolResult ddl = Run({"audit-sql"});
  ASSERT_EQ(ddl.exit_code, 0) << ddl.err;
  Exec(ddl.out);
  Exec(
      "INSERT INTO scope_migration_runs (run_id, kind, status, started_at, heartbeat_at, "
      "operator, host, host_id, pid) VALUES (7, 'apply', 'running', now(), now(), 'alice', "
      "'other-host', 'other-host boot ns', 4242)");
  const auto started = std::chrono::steady_clock::now();
  const ToolResult locked = Run({"apply", path, "--allow-blocked"});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(locked.exit_code, 5) << locked.out << locked.err;
  EXPECT_NE(locked.err.find("holds the lease on this database: run 7 (apply by alice on host "
                            "other-host, pid 4242), last heartbeat 0s ago"),
            std::string::npos)
      << locked.err;
  EXPECT_LT(seconds, 4.0) << "exit 5 must come at once";
  EXPECT_EQ(DataDigest(*conn_), digest);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs"), 1);

  Exec("UPDATE scope_migration_runs SET heartbeat_at = now() - interval '3 minutes'");
  const ToolResult ok = Run({"apply", path, "--allow-blocked"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("note: run 7 was 'running': lease taken over by run 8: no heartbeat for "
                        "180s (--lock-lease 120s)"),
            std::string::npos)
      << ok.err;
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE run_id = 8"), 312);
  auto old = RunRow(7);
  EXPECT_EQ(old["status"], "interrupted");
  EXPECT_EQ(old["taken_over_by"], "8");
  EXPECT_EQ(RunRow(8)["status"], "succeeded");
  const ToolResult history = Run({"history"});
  EXPECT_NE(history.out.find("lease taken over by run 8"), std::string::npos) << history.out;
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs WHERE status = 'running'"), 0);
}

// A lease whose holder is provably gone (this host, boot and pid namespace; its pid no
// longer runs) is taken over at once, whatever its heartbeat.
TEST_F(ApplyTest, LeaseOfAGoneProcessIsTakenOverAtOnce) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  Exec(Run({"audit-sql"}).out);
  const pid_t gone = fork();
  if (gone == 0) _exit(0);
  WaitTool(gone);
  const ProcessIdentity me = ThisProcess();
  ASSERT_FALSE(me.host_id.empty());
  {
    pqxx::work txn(*conn_);
    txn.exec_params(
        "INSERT INTO scope_migration_runs (run_id, kind, status, started_at, heartbeat_at, "
        "operator, host, host_id, pid) VALUES (1, 'apply', 'running', now(), now(), 'bob', $1, "
        "$2, $3)",
        me.host, me.host_id, static_cast<int64_t>(gone));
    txn.commit();
  }
  const ToolResult ok = Run({"apply", path, "--allow-blocked"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("lease taken over by run 2: its process " + std::to_string(gone) + " on " +
                        me.host + " no longer runs"),
            std::string::npos)
      << ok.err;
  EXPECT_EQ(RunRow(1)["status"], "interrupted");
  EXPECT_EQ(RunRow(2)["status"], "succeeded");
}

TEST_F(ApplyTest, LockContentionBetweenTwoProcesses) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const Plan plan = ParsePlanText(ReadFile(path));
  const pid_t first =
      SpawnTool({"apply", path, "--allow-blocked", "--batch-size", "2", "--pause", "300ms"}, env_,
                dir_ + "/first.out", dir_ + "/first.err");
  ASSERT_GT(first, 0);
  const bool running = WaitFor([&] {
    return AuditTablesExist() &&
           Count(*conn_, "SELECT count(*) FROM scope_migration_runs WHERE status = 'running'") > 0;
  });
  if (!running) kill(first, SIGKILL);
  ASSERT_TRUE(running) << "no running row appeared";

  const ToolResult second = Run({"apply", path, "--allow-blocked"});
  EXPECT_EQ(second.exit_code, 5) << second.out << second.err;
  EXPECT_NE(second.err.find("holds the lease on this database: run 1 (apply"), std::string::npos)
      << second.err;

  EXPECT_EQ(WaitTool(first), 0) << ReadFile(dir_ + "/first.err");
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs"), 1);
  EXPECT_EQ(RunRow(1)["status"], "succeeded");
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 312);
  ExpectTargets(plan);
}

// 8 -----------------------------------------------------------------------------------------
TEST_F(ApplyTest, KillDashNineAndResume) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const Plan plan = ParsePlanText(ReadFile(path));
  const std::vector<std::string> args = {"apply",   path,   "--allow-blocked", "--batch-size", "3",
                                         "--pause", "200ms"};
  const pid_t pid = SpawnTool(args, env_, dir_ + "/killed.out", dir_ + "/killed.err");
  ASSERT_GT(pid, 0);
  const bool started = WaitFor([&] { return ChangeRows() > 0; });
  kill(pid, SIGKILL);
  EXPECT_EQ(WaitTool(pid), 128 + SIGKILL);
  ASSERT_TRUE(started) << ReadFile(dir_ + "/killed.err");

  // No session lock anywhere; the run's row stays "running" (its lease) until taken over.
  EXPECT_EQ(AdvisoryLocksHere(), 0);
  EXPECT_EQ(RunRow(1)["status"], "running");

  // No key half-written; the audit matches the table exactly.
  std::map<std::string, Scopes> audit_adds;
  {
    pqxx::read_transaction txn(*conn_);
    for (const auto& row :
         txn.exec("SELECT api_key_id, scope, action FROM scope_migration_changes")) {
      EXPECT_EQ(std::string(row[2].c_str()), "add");
      audit_adds[row[0].c_str()].insert(row[1].c_str());
    }
  }
  const auto now = AllScopes();
  size_t written = 0;
  for (const auto& k : plan.Changes()) {
    const Scopes& scopes = now.at(k.id);
    const bool untouched = scopes == k.current, done = scopes == Union(k.current, k.add);
    EXPECT_TRUE(untouched || done) << k.id << " is half-written: " << Join(scopes);
    auto it = audit_adds.find(k.id);
    if (it != audit_adds.end()) {
      EXPECT_EQ(Join(it->second), Join(k.add)) << k.id;
      EXPECT_TRUE(done) << k.id << " has audit rows but not its scopes";
      ++written;
    } else {
      EXPECT_TRUE(untouched) << k.id << " was written without audit rows";
    }
  }
  for (const auto& [id, adds] : audit_adds) {
    ASSERT_TRUE(now.count(id)) << id;
    for (const auto& s : adds) EXPECT_TRUE(now.at(id).count(s)) << id << " lacks audited " << s;
  }
  EXPECT_EQ(audit_adds.size(), written);
  EXPECT_GT(written, 0u);
  EXPECT_LT(written, 31u) << "the kill came too late to test anything";
  EXPECT_EQ(RunRow(1)["keys_changed"], std::to_string(written));

  const ToolResult resumed = RunTool(args, env_);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find(std::to_string(written) + " keys were already applied"),
            std::string::npos)
      << resumed.out;
  ExpectTargets(plan);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 312);
  ExpectNoDuplicateChanges();
  // The resume took the dead process's lease over at once, and recorded it.
  auto run1 = RunRow(1);
  EXPECT_EQ(run1["status"], "interrupted");
  EXPECT_EQ(run1["taken_over_by"], "2");
  EXPECT_NE(run1["message"].find("its process " + std::to_string(pid) + " on"), std::string::npos)
      << run1["message"];
  auto run2 = RunRow(2);
  EXPECT_EQ(run2["status"], "succeeded");
  EXPECT_EQ(run2["keys_changed"], std::to_string(31 - written));
  EXPECT_EQ(std::stoll(run1["scopes_added"]) + std::stoll(run2["scopes_added"]), 312);
  EXPECT_EQ(AdvisoryLocksHere(), 0);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs WHERE status = 'running'"), 0);
}

// 9 -----------------------------------------------------------------------------------------
TEST_F(ApplyTest, TerminatedBackendExits1AndResumes) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const Plan plan = ParsePlanText(ReadFile(path));
  const std::vector<std::string> args = {"apply",   path,   "--allow-blocked", "--batch-size", "3",
                                         "--pause", "300ms"};
  const pid_t pid = SpawnTool(args, env_, dir_ + "/t.out", dir_ + "/t.err");
  ASSERT_GT(pid, 0);
  const bool started = WaitFor([&] { return ChangeRows() > 0; });
  if (!started) kill(pid, SIGKILL);
  ASSERT_TRUE(started) << ReadFile(dir_ + "/t.err");
  const long long terminated =
      Count(*conn_,
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name LIKE 'scope-migrate apply%' AND datname = current_database()");
  EXPECT_EQ(terminated, 1);
  EXPECT_EQ(WaitTool(pid), 1) << ReadFile(dir_ + "/t.out") << ReadFile(dir_ + "/t.err");
  const std::string err = ReadFile(dir_ + "/t.err");
  EXPECT_NE(err.find("lost the connection"), std::string::npos) << err;
  EXPECT_NE(err.find("Resume"), std::string::npos) << err;
  const long long partial = Count(*conn_, "SELECT count(*) FROM scope_migration_changes");
  EXPECT_GT(partial, 0);
  EXPECT_LT(partial, 312);

  // The run is recorded as failed, with the reason, on a fresh connection.
  auto run1 = RunRow(1);
  EXPECT_EQ(run1["status"], "failed");
  EXPECT_NE(run1["message"].find("lost the connection"), std::string::npos) << run1["message"];
  EXPECT_EQ(std::stoll(run1["scopes_added"]), partial);

  const ToolResult resumed = RunTool(args, env_);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 312);
  ExpectNoDuplicateChanges();
  ExpectTargets(plan);
  EXPECT_EQ(RunRow(1)["status"], "failed");
  EXPECT_EQ(RunRow(2)["status"], "succeeded");
}

// 10 ----------------------------------------------------------------------------------------
TEST_F(ApplyTest, RollbackRestoresTablesExactly) {
  testing::LoadSamples(*conn_);
  const std::string before = DataDigest(*conn_);
  const std::string path = MakePlan();
  ASSERT_EQ(Run({"apply", path, "--allow-blocked"}).exit_code, 0);
  const std::string applied = DataDigest(*conn_);
  ASSERT_NE(applied, before);

  const ToolResult dry = Run({"rollback", "--run", "1"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("would roll back"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("31 keys reverted (312 scopes removed"), std::string::npos) << dry.out;
  EXPECT_EQ(DataDigest(*conn_), applied);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs"), 1);
  EXPECT_EQ(RunRow(1)["status"], "succeeded");

  const ToolResult real = Run({"rollback", "--run", "1", "--yes"});
  EXPECT_EQ(real.exit_code, 0) << real.out << real.err;
  EXPECT_EQ(DataDigest(*conn_), before);
  auto run1 = RunRow(1);
  EXPECT_EQ(run1["status"], "rolled-back");
  EXPECT_EQ(run1["rolled_back_by"], "2");
  auto run2 = RunRow(2);
  EXPECT_EQ(run2["kind"], "rollback");
  EXPECT_EQ(run2["status"], "succeeded");
  EXPECT_EQ(run2["scopes_removed"], "312");
  EXPECT_EQ(run2["scopes_added"], "0");
  EXPECT_EQ(run2["keys_changed"], "31");
  EXPECT_EQ(
      Count(*conn_,
            "SELECT count(*) FROM scope_migration_changes WHERE run_id = 2 AND action = 'remove'"),
      312);

  const ToolResult twice = Run({"rollback", "--run", "1", "--yes"});
  EXPECT_EQ(twice.exit_code, 1) << twice.out << twice.err;
  EXPECT_NE(twice.err.find("already rolled back"), std::string::npos) << twice.err;
  EXPECT_EQ(DataDigest(*conn_), before);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs"), 2);
}

// 10b ---------------------------------------------------------------------------------------
// A dropped connection during rollback is handled as during apply: exit 1 with a resume
// hint, the rollback run recorded "failed" with the reason, committed batches kept, and
// re-running the same rollback finishes the work.
TEST_F(ApplyTest, RollbackTerminatedBackendExits1IsRecordedAndResumes) {
  testing::LoadSamples(*conn_);
  const std::string before = DataDigest(*conn_);
  const std::string path = MakePlan();
  ASSERT_EQ(Run({"apply", path, "--allow-blocked"}).exit_code, 0);
  const std::vector<std::string> args = {"rollback",     "--run", "1",       "--yes",
                                         "--batch-size", "3",     "--pause", "300ms"};
  const pid_t pid = SpawnTool(args, env_, dir_ + "/r.out", dir_ + "/r.err");
  ASSERT_GT(pid, 0);
  const bool started = WaitFor([&] {
    return Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE run_id = 2") > 0;
  });
  if (!started) kill(pid, SIGKILL);
  ASSERT_TRUE(started) << ReadFile(dir_ + "/r.err");
  EXPECT_EQ(Count(*conn_,
                  "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                  "WHERE application_name = 'scope-migrate rollback' AND "
                  "datname = current_database()"),
            1);
  EXPECT_EQ(WaitTool(pid), 1) << ReadFile(dir_ + "/r.out") << ReadFile(dir_ + "/r.err");
  const std::string err = ReadFile(dir_ + "/r.err");
  EXPECT_NE(err.find("lost the connection to PostgreSQL during batch"), std::string::npos) << err;
  EXPECT_NE(err.find("Resume with: scope-migrate rollback --run 1 --yes"), std::string::npos)
      << err;
  auto run2 = RunRow(2);
  EXPECT_EQ(run2["kind"], "rollback");
  EXPECT_EQ(run2["status"], "failed");
  EXPECT_NE(run2["message"].find("lost the connection"), std::string::npos) << run2["message"];
  const long long reverted =
      Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE run_id = 2");
  EXPECT_GT(reverted, 0);
  EXPECT_LT(reverted, 312);
  EXPECT_EQ(std::stoll(run2["scopes_removed"]), reverted);
  EXPECT_EQ(RunRow(1)["status"], "succeeded");

  const ToolResult resumed = Run(args);
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_EQ(DataDigest(*conn_), before);
  EXPECT_EQ(RunRow(1)["status"], "rolled-back");
  EXPECT_EQ(RunRow(1)["rolled_back_by"], "3");
  EXPECT_EQ(RunRow(3)["status"], "succeeded");
  EXPECT_EQ(std::stoll(run2["scopes_removed"]) + std::stoll(RunRow(3)["scopes_removed"]), 312);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE run_id IN (2, 3)"),
            312);
}

// 10c ---------------------------------------------------------------------------------------
// A plan applied over several runs (here one tenant first, then the rest) is undone by one
// `rollback --plan SHA256`, newest run first.
TEST_F(ApplyTest, RollbackPlanRevertsEveryRunOfThePlanNewestFirst) {
  testing::LoadSamples(*conn_);
  const std::string before = DataDigest(*conn_);
  const std::string path = MakePlan();
  const std::string sha = ParsePlanText(ReadFile(path)).summary.at("sha256");
  ASSERT_EQ(Run({"apply", path, "--allow-blocked", "--tenant", "acme"}).exit_code, 0);
  ASSERT_EQ(Run({"apply", path, "--allow-blocked"}).exit_code, 0);
  EXPECT_EQ(
      Count(*conn_, "SELECT count(*) FROM scope_migration_runs WHERE plan_sha256 = '" + sha + "'"),
      2);

  // A prefix of 8 hex digits names the plan as well as its sha256.
  const ToolResult dry = Run({"rollback", "--plan", sha.substr(0, 8)});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  const size_t second = dry.out.find("would roll back run 2:"),
               first = dry.out.find("would roll back run 1:");
  EXPECT_NE(second, std::string::npos) << dry.out;
  EXPECT_NE(first, std::string::npos) << dry.out;
  EXPECT_LT(second, first) << "newest first";
  EXPECT_NE(dry.out.find("dry run: nothing was written"), std::string::npos);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs"), 2);

  // So does the plan file itself.
  const ToolResult real = Run({"rollback", "--plan", path, "--yes"});
  EXPECT_EQ(real.exit_code, 0) << real.out << real.err;
  EXPECT_EQ(DataDigest(*conn_), before);
  EXPECT_EQ(RunRow(2)["status"], "rolled-back");
  EXPECT_EQ(RunRow(2)["rolled_back_by"], "3");
  EXPECT_EQ(RunRow(1)["status"], "rolled-back");
  EXPECT_EQ(RunRow(1)["rolled_back_by"], "4");
  EXPECT_EQ(std::stoll(RunRow(3)["scopes_removed"]) + std::stoll(RunRow(4)["scopes_removed"]), 312);

  const ToolResult again = Run({"rollback", "--plan", sha, "--yes"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("run 2 is already rolled back (by run 3)"), std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("nothing to do"), std::string::npos) << again.out;
  const ToolResult unknown = Run({"rollback", "--plan", std::string(64, 'f'), "--yes"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no apply run of plan ffff"), std::string::npos) << unknown.err;
  const ToolResult unknown_prefix = Run({"rollback", "--plan", "ffffffff"});
  EXPECT_EQ(unknown_prefix.exit_code, 1);
  EXPECT_EQ(unknown_prefix.err,
            "scope-migrate: no apply run of plan ffffffff in this database (see `scope-migrate "
            "history`)\n");
}

// rollback --plan PREFIX: a prefix two applied plans start with is a usage error listing
// both, a longer one picks its run; one shorter than 8 hex digits (and not a file) is refused before anything is read.
TEST_F(ApplyTest, RollbackPlanPrefixThatIsAmbiguousListsThePlans) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  ASSERT_EQ(Run({"apply", path, "--allow-blocked"}).exit_code, 0);
  const std::string a = "abcdef01" + std::string(56, '0'), b = "abcdef01" + std::string(56, '1');
  Exec(
      "INSERT INTO scope_migration_runs (run_id, kind, status, plan_sha256) VALUES "
      "(7, 'apply', 'failed', '" +
      a + "'), (8, 'apply', 'failed', '" + b + "')");
  const ToolResult r = Run({"rollback", "--plan", "ABCDEF01"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(FirstLine(r.err),
            "scope-migrate: --plan abcdef01 is ambiguous: 2 applied plans "
            "start with it:");
  EXPECT_NE(r.err.find("\n  " + a + "\n  " + b + "\n"), std::string::npos) << r.err;
  // One plan: resolved to run 7, whose made-up plan has no stored copy to revert by.
  const ToolResult one = Run({"rollback", "--plan", "abcdef010"});
  EXPECT_EQ(one.exit_code, 65) << one.err;
  EXPECT_EQ(FirstLine(one.err), "scope-migrate: run 7's plan " + a +
                                    " has no stored copy in \"public\".\"scope_migration_plans\" "
                                    "(runs of versions before 0.4 stored none): pass the plan file "
                                    "with --plan FILE; nothing was written");
  const ToolResult short_prefix = Run({"rollback", "--plan", "abcdef0"});
  EXPECT_EQ(short_prefix.exit_code, 64);
  EXPECT_EQ(FirstLine(short_prefix.err),
            "scope-migrate: --plan takes a plan's sha256, a prefix of it of at least 8 hex "
            "digits, or a plan file; \"abcdef0\" is none of these");
}

// history's text table shows each run's plan by the first 12 hex digits of its sha256, and
// the note of a rolled-back run no longer tells the reader to resume it.
TEST_F(ApplyTest, HistoryShowsThePlanPrefixAndRolledBackRunsHaveNoResumeHint) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const std::string sha = ParsePlanText(ReadFile(path)).summary.at("sha256");
  ASSERT_EQ(Run({"apply", path, "--allow-blocked"}).exit_code, 0);
  Exec(
      "UPDATE scope_migration_runs SET status = 'interrupted', message = 'interrupted after "
      "batch 3; committed batches stay. Resume with: scope-migrate apply p.jsonl' "
      "WHERE run_id = 1");
  ASSERT_EQ(Run({"rollback", "--run", "1", "--yes"}).exit_code, 0);
  EXPECT_EQ(RunRow(1)["message"],
            "interrupted after batch 3; committed batches stay. Rolled back by run 2 (do not "
            "resume it).");
  const ToolResult h = Run({"history"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  EXPECT_NE(h.out.find("  plan          "), std::string::npos) << h.out;
  EXPECT_EQ(h.out.find("Resume with"), std::string::npos) << h.out;
  std::istringstream in(h.out);
  int with_plan = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find(" " + sha.substr(0, 12) + " ") != std::string::npos) ++with_plan;
  }
  EXPECT_EQ(with_plan, 2) << h.out;  // the apply run and its rollback
}

// A plan file may be compressed (.gz, .zst): the same lines, the same checksum over the
// uncompressed bytes, applied exactly like the plain file; a damaged one is refused.
TEST_F(ApplyTest, CompressedPlanFilesApplyLikeThePlainOne) {
  testing::LoadSamples(*conn_);
  const std::string plain = MakePlan("p.jsonl");
  const std::string gz = MakePlan("p.jsonl.gz"), zst = MakePlan("p.jsonl.zst");
  EXPECT_LT(ReadFile(gz).size(), ReadFile(plain).size() / 4);
  EXPECT_LT(ReadFile(zst).size(), ReadFile(plain).size() / 4);
  const std::string plain_sha = ParsePlanText(ReadFile(plain)).summary.at("sha256");

  std::string truncated = ReadFile(gz);
  WriteFile(dir_ + "/cut.jsonl.gz", truncated.substr(0, truncated.size() - 40));
  const ToolResult cut = Run({"apply", dir_ + "/cut.jsonl.gz", "--allow-blocked"});
  EXPECT_EQ(cut.exit_code, 65) << cut.err;
  EXPECT_NE(cut.err.find("the gzip stream is truncated"), std::string::npos) << cut.err;

  const ToolResult r = Run({"apply", zst, "--allow-blocked"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ExpectTargets(ParsePlanText(ReadFile(plain)));
  EXPECT_EQ(RunRow(1)["plan_sha256"], plain_sha);  // the checksum of the uncompressed lines
  const ToolResult again = Run({"apply", gz, "--allow-blocked"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("31 keys were already applied"), std::string::npos) << again.out;
}

// history --run shows one run's row in full and its change rows, in every format.
TEST_F(ApplyTest, HistoryOfOneRunShowsItsRowAndChanges) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const std::string sha = ParsePlanText(ReadFile(path)).summary.at("sha256");
  const ToolResult apply = Run({"apply", path, "--allow-blocked", "--operator", "dana"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  // Before the first write apply says where, which plan, how much and how fast.
  EXPECT_EQ(apply.out.rfind("apply run 1 to postgresql://", 0), 0u) << apply.out;
  EXPECT_NE(apply.out.find(
                "\n  plan     sha256 " + sha +
                "\n  keys     31 to change (312 scopes "
                "to add, 0 to remove); 9 blocked, left alone\n  writes   batches of "
                "up to 1000 keys sized to 200ms, 1 job, no pause, no rate limit, lease 2min\n"),
            std::string::npos)
      << apply.out;

  const ToolResult text = Run({"history", "--run", "1"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.rfind("run 1\n  run_id          1\n  kind            apply\n", 0), 0u)
      << text.out;
  EXPECT_NE(text.out.find("\n  operator        dana\n"), std::string::npos);
  EXPECT_NE(text.out.find("\n  plan_sha256     " + sha + "\n"), std::string::npos);
  EXPECT_NE(text.out.find("\n  00000000-0000-4000-8000-000000000001  add     "
                          "accounting-clearing-read"),
            std::string::npos);
  EXPECT_NE(text.out.find("\n312 change rows\n"), std::string::npos);

  const ToolResult jsonl = Run({"history", "--run", "1", "--format", "jsonl"});
  std::vector<json> lines;
  std::istringstream in(jsonl.out);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 313u);
  EXPECT_EQ(lines[0]["type"], "run");
  EXPECT_EQ(lines[0]["run_id"], 1);
  EXPECT_EQ(lines[0]["scopes_added"], 312);
  EXPECT_TRUE(lines[0]["rolled_back_by"].is_null());
  EXPECT_EQ(lines[0]["plan_sha256"], sha);
  EXPECT_EQ(lines[1]["type"], "change");
  EXPECT_EQ(lines[1]["action"], "add");

  const ToolResult csv = Run({"history", "--run", "1", "--format", "csv"});
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 314);
  EXPECT_EQ(csv.out.rfind("record,run_id,api_key_id,scope,action,committed_at,kind,", 0), 0u);
  const ToolResult missing = Run({"history", "--run", "9"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("there is no run 9"), std::string::npos);
}

// 11 ----------------------------------------------------------------------------------------
TEST_F(ApplyTest, RollbackLeavesChangedKeysAlone) {
  testing::LoadSamples(*conn_);
  const auto before = AllScopes();
  const std::string path = MakePlan();
  ASSERT_EQ(Run({"apply", path, "--allow-blocked"}).exit_code, 0);
  Scopes key1 = ScopesOf(*conn_, kKey1);
  ASSERT_EQ(key1.size(), 15u);
  const std::string dropped = *key1.begin();
  Exec("DELETE FROM api_key_scopes WHERE api_key_id = '" + std::string(kKey1) + "' AND scope = '" +
       dropped + "'");
  key1.erase(dropped);

  const ToolResult r = Run({"rollback", "--run", "1", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("left alone"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(kKey1), std::string::npos) << r.out;
  EXPECT_EQ(Join(ScopesOf(*conn_, kKey1)), Join(key1));
  const auto after = AllScopes();
  for (const auto& [id, scopes] : before) {
    if (id != kKey1) {
      EXPECT_EQ(Join(after.at(id)), Join(scopes)) << id;
    }
  }
  auto run2 = RunRow(2);
  EXPECT_EQ(run2["status"], "succeeded");
  EXPECT_EQ(run2["keys_changed"], "30");
  EXPECT_EQ(run2["scopes_removed"], "297");  // 312 minus key #1's 15
  EXPECT_EQ(RunRow(1)["status"], "rolled-back");
}

// 12 ----------------------------------------------------------------------------------------
TEST_F(ApplyTest, PruneRemovesAndRollbackReAdds) {
  testing::LoadSamples(*conn_);
  const std::string before = DataDigest(*conn_);
  const std::string path = MakePlan("prune.jsonl", {"--prune"});
  const Plan plan = ParsePlanText(ReadFile(path));
  EXPECT_EQ(plan.summary.at("change"), 34);
  EXPECT_EQ(plan.summary.at("scopes_to_remove"), 5);
  std::set<std::pair<std::string, std::string>> removes;
  for (const auto& k : plan.keys)
    for (const auto& s : k.remove) removes.emplace(k.id, s);
  const std::set<std::pair<std::string, std::string>> expected = {
      {KeyId(25), "beta-preview"},
      {KeyId(31), "beta-preview"},
      {KeyId(32), "report-management-read"},
      {KeyId(33), "tax-management-read"},
      {KeyId(33), "tax-management-write"}};
  EXPECT_EQ(removes, expected);

  const ToolResult r = Run({"apply", path, "--allow-blocked"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto run = RunRow(1);
  EXPECT_EQ(run["scopes_removed"], "5");
  EXPECT_EQ(run["scopes_added"], "312");
  EXPECT_EQ(run["keys_changed"], "34");
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes WHERE action = 'remove'"),
            5);
  for (const auto& [id, scope] : removes)
    EXPECT_FALSE(ScopesOf(*conn_, id).count(scope)) << id << " " << scope;
  for (const auto& k : plan.Changes()) {
    EXPECT_EQ(Join(ScopesOf(*conn_, k.id)), Join(k.target)) << k.id;  // --prune: exactly the target
  }

  const ToolResult rb = Run({"rollback", "--run", "1", "--yes"});
  EXPECT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_EQ(DataDigest(*conn_), before);
  auto run2 = RunRow(2);
  EXPECT_EQ(run2["scopes_added"], "5");
  EXPECT_EQ(run2["scopes_removed"], "312");
}

// 13 ----------------------------------------------------------------------------------------
TEST_F(ApplyTest, SingleTransactionIsAllOrNothing) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const Plan plan = ParsePlanText(ReadFile(path));
  const std::string stale = MakeStale(plan, 12);
  const std::string digest = DataDigest(*conn_);

  const ToolResult r =
      Run({"apply", path, "--allow-blocked", "--batch-size", "5", "--single-transaction"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find(stale), std::string::npos) << r.err;
  EXPECT_EQ(DataDigest(*conn_), digest);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 0);
  auto run = RunRow(1);
  EXPECT_EQ(run["status"], "stale");
  EXPECT_EQ(run["keys_changed"], "0");
}

// 14 ----------------------------------------------------------------------------------------
TEST_F(ApplyTest, HistoryListsNewestFirst) {
  testing::LoadSamples(*conn_);
  const ToolResult empty = Run({"history"});
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  const std::string path = MakePlan();
  ASSERT_EQ(Run({"apply", path, "--allow-blocked"}).exit_code, 0);
  ASSERT_EQ(Run({"rollback", "--run", "1", "--yes"}).exit_code, 0);

  const ToolResult r = Run({"history"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  int line1 = -1, line2 = -1;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::istringstream words(lines[i]);
    std::string id, kind, status;
    words >> id >> kind >> status;
    if (id == "1") {
      line1 = static_cast<int>(i);
      EXPECT_EQ(kind, "apply") << lines[i];
      EXPECT_EQ(status, "rolled-back") << lines[i];
    } else if (id == "2") {
      line2 = static_cast<int>(i);
      EXPECT_EQ(kind, "rollback") << lines[i];
      EXPECT_EQ(status, "succeeded") << lines[i];
    }
  }
  ASSERT_GE(line1, 0) << r.out;
  ASSERT_GE(line2, 0) << r.out;
  EXPECT_LT(line2, line1) << r.out;
}

// 15 ----------------------------------------------------------------------------------------
TEST_F(ApplyTest, AuditSchemaOption) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  const ToolResult r = Run({"apply", path, "--allow-blocked", "--audit-schema", "audit"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Count(*conn_, "SELECT (to_regclass('audit.scope_migration_runs') IS NOT NULL)::int"),
            1);
  EXPECT_EQ(Count(*conn_, "SELECT (to_regclass('audit.scope_migration_changes') IS NOT NULL)::int"),
            1);
  EXPECT_EQ(Count(*conn_, "SELECT (to_regclass('public.scope_migration_runs') IS NULL)::int"), 1);
  EXPECT_EQ(Count(*conn_, "SELECT (to_regclass('public.scope_migration_changes') IS NULL)::int"),
            1);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM audit.scope_migration_changes"), 312);
  EXPECT_EQ(RunRow(1, "audit")["status"], "succeeded");

  // history and rollback find them with the same option.
  const ToolResult h = Run({"history", "--audit-schema", "audit"});
  EXPECT_EQ(h.exit_code, 0) << h.err;
  EXPECT_NE(h.out.find("succeeded"), std::string::npos) << h.out;
  const ToolResult rb = Run({"rollback", "--run", "1", "--yes", "--audit-schema", "audit"});
  EXPECT_EQ(rb.exit_code, 0) << rb.out << rb.err;
  EXPECT_EQ(RunRow(1, "audit")["status"], "rolled-back");
}

// The lease guards one audit schema. An apply recording in "public" while a live run
// records in "audit" (a forgotten --audit-schema) warns, in one line, before it writes.
TEST_F(ApplyTest, ApplyWarnsOfALiveRunInAnotherAuditSchema) {
  testing::LoadSamples(*conn_);
  const std::string path = MakePlan();
  ASSERT_EQ(Run({"apply", path, "--allow-blocked", "--audit-schema", "audit", "--tenant", "acme"})
                .exit_code,
            0);
  // Another operator's run in "audit", alive (fresh heartbeat), and an old dead one.
  Exec(
      "INSERT INTO audit.scope_migration_runs (run_id, kind, status, operator, host, "
      "heartbeat_at) VALUES (2, 'apply', 'running', 'ann', 'db1', clock_timestamp()), "
      "(3, 'apply', 'running', 'bob', 'db2', clock_timestamp() - interval '1 hour')");
  const ToolResult r = Run({"apply", path, "--allow-blocked"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string warning =
      "scope-migrate: warning: schema \"audit\" has a live run 2 (apply by ann on host db1, "
      "heartbeat ";
  ASSERT_EQ(r.err.rfind(warning, 0), 0u) << r.err;
  EXPECT_NE(r.err.find(" ago) that this run's lease in \"public\" does not exclude; is "
                       "--audit-schema audit missing?\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("run 3"), std::string::npos) << r.err;
  EXPECT_EQ(RunRow(1)["status"], "succeeded");
  // Regression (issue 27, finding 10): with --log-format json the warning was a plain-text
  // line among the JSON events. Every line is JSON; the warning is an event.
  const ToolResult json = Run({"apply", path, "--allow-blocked", "--log-format", "json"});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  int warnings = 0;
  std::istringstream lines(json.err);
  for (std::string line; std::getline(lines, line);) {
    ASSERT_TRUE(nlohmann::json::accept(line)) << line;
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event["event"] != "warning") continue;
    ++warnings;
    EXPECT_EQ(event["schema"], "audit");
    EXPECT_EQ(event["audit_schema"], "public");
    EXPECT_EQ(event["message"].get<std::string>().rfind(
                  "schema \"audit\" has a live run 2 (apply by ann on host db1, heartbeat ", 0),
              0u)
        << line;
  }
  EXPECT_EQ(warnings, 1) << json.err;
  // Once that run is over, no warning.
  Exec("UPDATE audit.scope_migration_runs SET status = 'interrupted' WHERE run_id = 2");
  const ToolResult again = Run({"apply", path, "--allow-blocked"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find("warning"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace scope_migrate
