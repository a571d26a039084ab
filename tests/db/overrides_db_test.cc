// Database tests of per-key overrides (SPEC 12.2) on a real PostgreSQL 15: a plan made with
// --overrides over the sample database, applied, writes exactly the overridden scopes and
// their audit rows (an override's remove too, without --prune) and rolls back; a pinned
// apply refuses a plan whose overrides are not the given file's, before writing anything;
// every refusal of an override the database decides (revoked, blocked, not legacy, unknown,
// changing nothing) is a 65 at FILE:LINE:COL with no plan written; keys outside --tenant
// are ignored and counted; simulate with the overrides it suggested no longer breaks.
// They share apply_db_test's binary and so its one cluster.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "support/db_util.h"
#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::AllTablesDigest;
using testing::Count;
using testing::ReadFile;
using testing::RunTool;
using testing::ScopesOf;
using testing::ToolResult;
using testing::WriteFile;
using json = nlohmann::json;
using Scopes = std::set<std::string>;

constexpr char kMapping[] = "mappings/legacy-roles.yaml";
constexpr char kOverrides[] = "samples/overrides.yaml";
constexpr char kKey5[] = "00000000-0000-4000-8000-000000000005";
constexpr char kKey9[] = "00000000-0000-4000-8000-000000000009";
constexpr char kKey26[] = "00000000-0000-4000-8000-000000000026";
constexpr char kKey39[] = "00000000-0000-4000-8000-000000000039";

std::string OneOverride(const std::string& key, const std::string& lists) {
  return "version: 1\noverrides:\n  - key: \"" + key + "\"\n    " + lists +
         "\n    reason: \"OPS-1: test\"\n";
}

class OverridesDbTest : public testing::DbTest {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    testing::LoadSamples(*conn_);
    dir_ = testing::MakeTempDir();
    plan_ = dir_ + "/plan.jsonl";
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }

  ToolResult Run(const std::vector<std::string>& args) { return RunTool(args, env_); }

  // `plan --overrides FILE --out plan_` (and `more`), which must succeed.
  void Plan(const std::string& overrides, const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"plan", "--mapping", kMapping, "--overrides", overrides,
                                     "--out", plan_};
    args.insert(args.end(), more.begin(), more.end());
    const ToolResult r = Run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // The plan file's lines of type `type` (the key lines by id).
  json Line(const std::string& type, const std::string& id = "") {
    std::istringstream in(ReadFile(plan_));
    for (std::string line; std::getline(in, line);) {
      const json j = json::parse(line);
      if (j.at("type") == type && (id.empty() || j.value("id", "") == id)) return j;
    }
    return json();
  }

  // The audit rows of `key` as "action scope".
  Scopes AuditOf(const std::string& key) {
    Scopes out;
    pqxx::read_transaction txn(*conn_);
    for (const auto& row : txn.exec_params(
             "SELECT action || ' ' || scope FROM scope_migration_changes WHERE api_key_id = $1",
             key)) {
      out.insert(row[0].c_str());
    }
    return out;
  }

  std::string dir_, plan_;
};

TEST_F(OverridesDbTest, PlanWithOverridesAppliesExactlyTheirScopesWithAuditRows) {
  Plan(kOverrides);
  const json header = Line("header");
  EXPECT_EQ(header.at("format_version"), 3);
  EXPECT_EQ(header.at("overrides"), (json{{"file", kOverrides},
                                          {"sha256", Sha256Hex(ReadFile(kOverrides))},
                                          {"applied", 3},
                                          {"ignored", 0}}));
  EXPECT_EQ(Line("key", kKey5).at("override"),
            (json{{"add", {"report-management-read"}},
                  {"remove", json::array()},
                  {"reason", "OPS-512: the catalogue sync calls GET /v1/reports/revenue"}}));
  EXPECT_EQ(Line("key", kKey9).at("override").at("allow_write"), true);
  EXPECT_EQ(Line("key", kKey39).at("status"), "change");

  const ToolResult apply = Run({"apply", "--mapping", kMapping, "--overrides", kOverrides, plan_,
                                "--yes", "--allow-blocked"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_NE(apply.out.find("apply run 1 succeeded: 32 keys changed, 314 scopes added, 0 removed"),
            std::string::npos)
      << apply.out;
  testing::ExpectPlanApplied(*conn_, plan_);
  EXPECT_EQ(ScopesOf(*conn_, kKey39), Scopes{"beta-preview"});
  EXPECT_EQ(AuditOf(kKey39), Scopes{"add beta-preview"});
  EXPECT_EQ(AuditOf(kKey5),
            (Scopes{"add contract-order-management-read", "add document-management-read",
                    "add product-management-read", "add product-management-write",
                    "add report-management-read", "add tenant-management-read"}));
  const Scopes nine = ScopesOf(*conn_, kKey9);
  EXPECT_EQ(nine.size(), 12u);
  EXPECT_EQ(nine.count("accounts-receivable-management-write"), 1u);
  EXPECT_EQ(nine.count("tax-management-read"), 0u);
  EXPECT_EQ(AuditOf(kKey9).count("add accounts-receivable-management-write"), 1u);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 314);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_runs WHERE run_id = 1 AND "
                          "keys_changed = 32 AND scopes_added = 314 AND scopes_removed = 0"),
            1);

  // `show` lists the overrides the plan carries.
  const ToolResult show = Run({"show", plan_});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("  " + std::string(kKey9) +
                          "   change    +accounts-receivable-management-write "
                          "-tax-management-read  (allow_write)\n    reason: SEC-77: audit tool "
                          "opens OPOS cases; tax reads unused for a year\n"),
            std::string::npos)
      << show.out;

  const ToolResult rollback = Run({"rollback", "--run", "1", "--yes"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(ScopesOf(*conn_, kKey39), Scopes{});
  EXPECT_EQ(ScopesOf(*conn_, kKey5), Scopes{});
}

TEST_F(OverridesDbTest, OverrideRemoveTakesAScopeOffWithoutPrune) {
  const std::string file = dir_ + "/dormant.yaml";
  WriteFile(file, OneOverride(kKey26, "remove: [product-management-write]"));
  Plan(file);
  EXPECT_EQ(Line("key", kKey26).at("status"), "change");
  EXPECT_EQ(Line("header").at("prune"), false);
  // Unpinned: the plan file carries its overrides.
  const ToolResult apply = Run({"apply", plan_, "--yes", "--allow-blocked"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_EQ(ScopesOf(*conn_, kKey26),
            (Scopes{"contract-order-management-read", "document-management-read",
                    "product-management-read", "tenant-management-read"}));
  EXPECT_EQ(AuditOf(kKey26), Scopes{"remove product-management-write"});
  EXPECT_EQ(Count(*conn_, "SELECT scopes_removed FROM scope_migration_runs WHERE run_id = 1"), 1);
}

TEST_F(OverridesDbTest, ApplyMappingWithOverridesWritesThemWithoutAPlanFile) {
  const ToolResult apply = Run({"apply", "--mapping", kMapping, "--overrides", kOverrides,
                                "--yes", "--allow-blocked"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_EQ(ScopesOf(*conn_, kKey39), Scopes{"beta-preview"});
  EXPECT_EQ(ScopesOf(*conn_, kKey5).count("report-management-read"), 1u);
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_changes"), 314);
}

TEST_F(OverridesDbTest, PinnedApplyRefusesAPlanWhoseOverridesAreNotTheGivenFile) {
  Plan(kOverrides);
  const std::string plain = dir_ + "/plain.jsonl";
  ASSERT_EQ(Run({"plan", "--mapping", kMapping, "--out", plain}).exit_code, 0);
  const std::string edited = dir_ + "/edited.yaml";
  std::string text = ReadFile(kOverrides);
  text.replace(text.find("OPS-512"), 7, "OPS-513");
  WriteFile(edited, text);
  const std::string before = AllTablesDigest(*conn_);
  const std::string sha = Sha256Hex(ReadFile(kOverrides));
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--mapping", kMapping, plan_},
       plan_ + ":1:1: the plan was made with the overrides samples/overrides.yaml (sha256 " +
           sha + "): a pinned apply needs --overrides FILE too"},
      {{"--mapping", kMapping, "--overrides", edited, plan_},
       plan_ + ":1:1: the plan was made with the overrides of sha256 " + sha + ", not with " +
           edited + " (sha256 " + Sha256Hex(text) + ")"},
      {{"--mapping", kMapping, "--overrides", kOverrides, plain},
       plain + ":1:1: the plan was made without overrides, not with samples/overrides.yaml"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"apply"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"--yes", "--allow-blocked"});
    const ToolResult r = Run(args);
    EXPECT_EQ(r.exit_code, 65) << c.message << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("scope-migrate: " + c.message, 0), 0u) << r.err;
    EXPECT_EQ(AllTablesDigest(*conn_), before) << c.message;
  }
  const ToolResult pinned = Run({"apply", "--mapping", kMapping, "--overrides", kOverrides, plan_,
                                 "--yes", "--allow-blocked"});
  EXPECT_EQ(pinned.exit_code, 0) << pinned.err;
  testing::ExpectPlanApplied(*conn_, plan_);
}

TEST_F(OverridesDbTest, OverridesTheDatabaseRefusesNameTheirLineAndPlanNothing) {
  struct Case {
    int key;
    std::string lists, message;
  };
  const std::vector<Case> cases = {
      {34, "add: [beta-preview]", ":3:10: override of key K: the key is revoked (skipped)"},
      {37, "add: [beta-preview]",
       ":3:10: override of key K: the key is blocked (missing created_at)"},
      {52, "add: [beta-preview]",
       ":3:10: override of key K: the key is not a legacy key of postgresql://"},
      {99, "add: [beta-preview]",
       ":3:10: override of key K: the key is not a legacy key of postgresql://"},
      {28, "add: [beta-preview]",
       ":4:11: override of key K: adds \"beta-preview\", which the key would hold anyway"},
      {26, "remove: [tax-management-read]",
       ":4:14: override of key K: removes \"tax-management-read\""},
  };
  const std::string before = AllTablesDigest(*conn_);
  for (const Case& c : cases) {
    char id[64];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", c.key);
    const std::string file = dir_ + "/o" + std::to_string(c.key) + ".yaml";
    WriteFile(file, OneOverride(id, c.lists));
    std::string message = c.message;
    message.replace(message.find('K'), 1, id);
    const ToolResult r =
        Run({"plan", "--mapping", kMapping, "--overrides", file, "--out", plan_});
    EXPECT_EQ(r.exit_code, 65) << c.key << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("scope-migrate: " + file + message, 0), 0u) << r.err;
    EXPECT_EQ(r.out, "") << c.key;
    EXPECT_NE(access(plan_.c_str(), F_OK), 0) << c.key;
  }
  EXPECT_EQ(AllTablesDigest(*conn_), before);
}

TEST_F(OverridesDbTest, OverridesOutsideTheTenantFilterAreIgnoredAndCounted) {
  Plan(kOverrides, {"--tenant", "globex"});
  EXPECT_EQ(Line("header").at("overrides").at("applied"), 1);
  EXPECT_EQ(Line("header").at("overrides").at("ignored"), 2);
  EXPECT_TRUE(Line("key", kKey5).contains("override"));
  EXPECT_TRUE(Line("key", kKey9).is_null());
  const ToolResult show = Run({"show", plan_});
  EXPECT_NE(show.out.find("): 1 applied, 2 ignored (keys outside the filter)"), std::string::npos)
      << show.out;
}

// The loop of issue 28 on the samples: simulate finds the breaking keys and suggests
// overrides, the plan takes them, and the replay of that plan (or of --mapping with
// --overrides) exits 0. An override simulate refuses is a 65 at its FILE:LINE:COL.
TEST_F(OverridesDbTest, SimulateWithTheSuggestedOverridesNoLongerBreaks) {
  const std::vector<std::string> replay = {"--endpoints", "mappings/endpoints.yaml", "--usage",
                                           "samples/usage.jsonl", "--usage-since",
                                           "2026-01-01T00:00:00Z"};
  const auto simulate = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "simulate");
    args.insert(args.end(), replay.begin(), replay.end());
    return Run(args);
  };
  const std::string suggested = dir_ + "/suggested.yaml";
  const ToolResult before =
      simulate({"--mapping", kMapping, "--suggest-overrides", suggested});
  EXPECT_EQ(before.exit_code, 8) << before.err;
  EXPECT_NE(before.out.find("  breaking_keys            3\n"), std::string::npos) << before.out;
  EXPECT_NE(ReadFile(suggested).find("  - key: \"" + std::string(kKey39) +
                                     "\"\n    add: [document-management-read]\n"),
            std::string::npos);

  const ToolResult with = simulate({"--mapping", kMapping, "--overrides", suggested});
  EXPECT_EQ(with.exit_code, 0) << with.out << with.err;
  EXPECT_NE(with.out.find(" planned with mappings/legacy-roles.yaml and the overrides " +
                          suggested + " (sha256 " + Sha256Hex(ReadFile(suggested)).substr(0, 12) +
                          ": 4 applied, 0 ignored)\n"),
            std::string::npos)
      << with.out;
  EXPECT_NE(with.out.find("  breaking_keys            0\n  denied_calls             0\n"
                          "  blocked_keys_with_calls  0\n"),
            std::string::npos)
      << with.out;

  Plan(suggested);
  const ToolResult of_plan = simulate({plan_});
  EXPECT_EQ(of_plan.exit_code, 0) << of_plan.out << of_plan.err;
  EXPECT_NE(of_plan.out.find("  keys:      plan file " + plan_ + " made with the overrides "),
            std::string::npos)
      << of_plan.out;

  const std::string unknown = dir_ + "/unknown.yaml";
  WriteFile(unknown, OneOverride("00000000-0000-4000-8000-000000000099", "add: [beta-preview]"));
  const ToolResult refused = simulate({"--mapping", kMapping, "--overrides", unknown});
  EXPECT_EQ(refused.exit_code, 65);
  EXPECT_EQ(refused.err.rfind("scope-migrate: " + unknown + ":3:10: override of key "
                              "00000000-0000-4000-8000-000000000099: the key is not a legacy key",
                              0),
            0u)
      << refused.err;
  EXPECT_EQ(refused.out, "");
}

}  // namespace
}  // namespace scope_migrate
