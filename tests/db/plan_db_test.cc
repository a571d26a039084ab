// plan against a real PostgreSQL: golden reports over the sample database, the dry run
// leaves every table byte-for-byte unchanged, fixture and database plans agree, layout
// variants, hostile strings stay data, and connection failures name host and port.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/fixtures.h"
#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::DbTest;
using testing::RunTool;

const std::vector<std::string> kMapping = {"--mapping", "mappings/legacy-roles.yaml"};

std::vector<std::string> Args(std::vector<std::string> args,
                              const std::vector<std::string>& more = kMapping) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Key lines of a JSONL report without the parts that name the source.
std::vector<std::string> KeyLines(const std::string& jsonl) {
  std::vector<std::string> out;
  std::istringstream in(jsonl);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("{\"type\":\"key\"", 0) == 0) out.push_back(line);
  }
  return out;
}

class PlanDbTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    testing::LoadSamples(*conn_);
  }
};

TEST_F(PlanDbTest, SamplePlanMatchesGoldenFiles) {
  for (const auto& [format, file] :
       std::vector<std::pair<std::string, std::string>>{{"text", "sample-plan.txt"},
                                                        {"jsonl", "sample-plan.jsonl"},
                                                        {"csv", "sample-plan.csv"},
                                                        {"markdown", "sample-plan.md"}}) {
    const auto result = RunTool(Args({"plan", "--format", format}), env_);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    testing::ExpectGolden(file, testing::NormalizeReport(result.out));
  }
}

TEST_F(PlanDbTest, SampleCountsAreExact) {
  const auto result = RunTool(Args({"plan", "--format", "jsonl"}), env_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::istringstream in(result.out);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  const auto summary = nlohmann::json::parse(last);
  EXPECT_EQ(summary["keys_read"], 51);
  EXPECT_EQ(summary["change"], 31);
  EXPECT_EQ(summary["unchanged"], 5);
  EXPECT_EQ(summary["drift"], 3);
  EXPECT_EQ(summary["blocked"], 9);
  EXPECT_EQ(summary["skipped"], 3);
  EXPECT_EQ(summary["excluded_post_cutoff"], 8);
  EXPECT_EQ(summary["scopes_to_add"], 312);
  EXPECT_EQ(summary["scopes_to_remove"], 0);
  EXPECT_EQ(summary["privileged_grants"]["access-management-write"], 8);
}

TEST_F(PlanDbTest, PlanLeavesTheDatabaseByteForByteUnchanged) {
  const std::string before = testing::AllTablesDigest(*conn_);
  const std::string dir = testing::MakeTempDir();
  for (const std::string format : {"text", "jsonl", "csv", "markdown"}) {
    const auto result =
        RunTool(Args({"plan", "--prune", "--format", format, "--out", dir + "/p.jsonl"}), env_);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  EXPECT_EQ(testing::AllTablesDigest(*conn_), before);
  EXPECT_EQ(
      testing::Count(*conn_, "SELECT count(*) FROM pg_class WHERE relname LIKE 'scope_migration%'"),
      0);
}

TEST_F(PlanDbTest, DetailedExitcodeReportsPendingAndBlocked) {
  EXPECT_EQ(RunTool(Args({"plan", "--detailed-exitcode"}), env_).exit_code, 3);
  // A change key alone: 2. An unchanged key alone: 0.
  EXPECT_EQ(RunTool(Args({"plan", "--detailed-exitcode", "--key",
                          "00000000-0000-4000-8000-000000000001"}),
                    env_)
                .exit_code,
            2);
  EXPECT_EQ(RunTool(Args({"plan", "--detailed-exitcode", "--key",
                          "00000000-0000-4000-8000-000000000026"}),
                    env_)
                .exit_code,
            0);
}

TEST_F(PlanDbTest, FixtureAndDatabasePlansAgree) {
  // Load samples/fixtures.yaml into an empty schema and plan it both ways.
  const std::string db = testing::PgHarness::Get().CreateDatabase("fixtures_agree");
  auto conn = testing::PgHarness::Get().Connect(db);
  {
    pqxx::work txn(*conn);
    txn.exec(testing::ReadFile(testing::SourcePath("samples/schema.sql")));
    for (const FixtureKey& f : LoadFixtures(testing::SourcePath("samples/fixtures.yaml"))) {
      const KeyRecord& k = f.key;
      txn.exec_params(
          "INSERT INTO api_keys (id, tenant_id, name, created_at, revoked_at) VALUES "
          "($1::uuid, coalesce($2, ''), $5, to_timestamp($3::double precision / 1000000), "
          "CASE WHEN $4 THEN now() END)",
          k.id, k.tenant ? k.tenant->c_str() : nullptr,
          k.created_at ? std::to_string(*k.created_at).c_str() : nullptr, k.revoked,
          k.name.value_or(""));
      for (const auto& role : k.roles)
        txn.exec_params("INSERT INTO api_key_roles VALUES ($1::uuid, $2)", k.id, role);
      for (const auto& scope : k.scopes)
        txn.exec_params("INSERT INTO api_key_scopes VALUES ($1::uuid, $2)", k.id, scope);
    }
    txn.commit();
  }
  const auto from_db =
      RunTool(Args({"plan", "--format", "jsonl"}), testing::PgHarness::Get().EnvFor(db));
  const auto from_file =
      RunTool(Args({"plan", "--format", "jsonl", "--fixtures", "samples/fixtures.yaml"}), {});
  ASSERT_EQ(from_db.exit_code, 0) << from_db.err;
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  const auto db_lines = KeyLines(from_db.out), file_lines = KeyLines(from_file.out);
  EXPECT_EQ(db_lines.size(), 43u);
  EXPECT_EQ(db_lines, file_lines);
}

TEST_F(PlanDbTest, LayoutVariantsPlanTheSameKeys) {
  {
    pqxx::work txn(*conn_);
    txn.exec(R"(CREATE SCHEMA legacy;
      CREATE TABLE legacy."Keys" ("Key Id" uuid PRIMARY KEY, made timestamptz, "Revoked At" timestamptz);
      CREATE TABLE legacy.grants (k uuid NOT NULL, "Role Name" text NOT NULL);
      CREATE TABLE "x'); DROP TABLE api_keys; --" (k uuid NOT NULL, s text NOT NULL, PRIMARY KEY (k, s));
      INSERT INTO legacy."Keys" SELECT id, created_at, revoked_at FROM api_keys;
      INSERT INTO legacy.grants SELECT api_key_id, role FROM api_key_roles;
      INSERT INTO "x'); DROP TABLE api_keys; --" SELECT api_key_id, scope FROM api_key_scopes;)");
    txn.commit();
  }
  const std::string dir = testing::MakeTempDir();
  testing::WriteFile(
      dir + "/layout.yaml",
      R"(keys: {table: legacy.Keys, id: Key Id, tenant: null, name: null, created_at: made, revoked_at: Revoked At}
roles: {table: legacy.grants, key: k, role: Role Name}
scopes: {table: "x'); DROP TABLE api_keys; --", key: k, scope: s}
)");
  const auto renamed =
      RunTool(Args({"plan", "--format", "jsonl", "--layout", dir + "/layout.yaml"}), env_);
  const auto standard = RunTool(Args({"plan", "--format", "jsonl"}), env_);
  ASSERT_EQ(renamed.exit_code, 0) << renamed.err;
  ASSERT_EQ(standard.exit_code, 0) << standard.err;
  auto without_tenant = KeyLines(standard.out);
  for (auto& line : without_tenant) {
    auto j = nlohmann::ordered_json::parse(line);
    j.erase("tenant");
    j.erase("name");
    line = j.dump();
  }
  EXPECT_EQ(KeyLines(renamed.out), without_tenant);
  EXPECT_EQ(testing::Count(*conn_, "SELECT count(*) FROM api_keys"), 59);

  // --tenant on a layout without a tenant column is a usage error.
  EXPECT_EQ(
      RunTool(Args({"plan", "--layout", dir + "/layout.yaml", "--tenant", "acme"}), env_).exit_code,
      64);
}

TEST_F(PlanDbTest, LayoutNamingAMissingColumnExits65WithTheName) {
  const std::string dir = testing::MakeTempDir();
  testing::WriteFile(dir + "/layout.yaml", "keys: {created_at: born_at}\n");
  const auto result = RunTool(Args({"plan", "--layout", dir + "/layout.yaml"}), env_);
  EXPECT_EQ(result.exit_code, 65);
  EXPECT_NE(result.err.find("column \"born_at\" of table \"api_keys\" does not exist"),
            std::string::npos)
      << result.err;
  testing::WriteFile(dir + "/layout2.yaml", "roles: {table: legacy_roles}\n");
  const auto table = RunTool(Args({"plan", "--layout", dir + "/layout2.yaml"}), env_);
  EXPECT_EQ(table.exit_code, 65);
  EXPECT_NE(table.err.find("table \"legacy_roles\" does not exist"), std::string::npos)
      << table.err;
  testing::WriteFile(dir + "/layout3.yaml", "keys: {tabel: x}\n");
  const auto typo = RunTool(Args({"plan", "--layout", dir + "/layout3.yaml"}), env_);
  EXPECT_EQ(typo.exit_code, 65);
  EXPECT_NE(typo.err.find("layout3.yaml:1:8: unknown key \"tabel\""), std::string::npos)
      << typo.err;
}

TEST_F(PlanDbTest, HostileStringsAreOnlyData) {
  const auto result = RunTool(Args({"plan", "--format", "csv"}), env_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("\"unknown role \"\"Admin'); DELETE FROM api_key_scopes; --\"\"\""),
            std::string::npos);
  EXPECT_NE(result.out.find("\"unknown role \"\"Finance \"\"Manager\"\", AR\"\"\""),
            std::string::npos);
  EXPECT_EQ(testing::Count(*conn_, "SELECT count(*) FROM api_keys"), 59);
  EXPECT_GT(testing::Count(*conn_, "SELECT count(*) FROM api_key_scopes"), 0);
}

TEST_F(PlanDbTest, ConnectionFailureExits1NamingHostAndPort) {
  const auto result = RunTool(
      Args({"plan", "--db", "host=127.0.0.1 port=1 dbname=nowhere user=nobody password=s3cret"}),
      {});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("host 127.0.0.1 port 1"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("s3cret"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("s3cret"), std::string::npos);
}

TEST_F(PlanDbTest, SourceNeverShowsThePassword) {
  const auto& pg = testing::PgHarness::Get();
  const auto result =
      RunTool(Args({"plan", "--format", "jsonl", "--db",
                    "postgresql://postgres:hunter2@" + pg.host() + ":" + pg.port() + "/" + db_}),
              {});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("\"source\":\"postgresql://" + pg.host() + ":" + pg.port() + "/" + db_ +
                            "\""),
            std::string::npos);
  EXPECT_EQ(result.out.find("hunter2"), std::string::npos);
  EXPECT_EQ(result.err.find("hunter2"), std::string::npos);
}

TEST_F(PlanDbTest, TenantSubsetPlansOnlyThatTenant) {
  const auto result = RunTool(Args({"plan", "--format", "jsonl", "--tenant", "globex"}), env_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = KeyLines(result.out);
  ASSERT_FALSE(lines.empty());
  const long long globex_legacy = testing::Count(
      *conn_,
      "SELECT count(*) FROM api_keys WHERE tenant_id = 'globex' AND (created_at IS NULL OR "
      "created_at < '2026-03-22T23:00:00Z')");
  EXPECT_EQ(static_cast<long long>(lines.size()), globex_legacy);
  for (const auto& line : lines) EXPECT_EQ(nlohmann::json::parse(line)["tenant"], "globex");
  EXPECT_NE(result.out.find("\"partial\":true,\"filter\":{\"tenant\":[\"globex\"],\"key\":[]}"),
            std::string::npos);
  const auto text = RunTool(Args({"plan", "--tenant", "globex"}), env_);
  EXPECT_NE(text.out.find("PARTIAL RUN, only --tenant globex"), std::string::npos);
  EXPECT_NE(text.out.find("Summary (PARTIAL RUN, only --tenant globex)"), std::string::npos);
}

}  // namespace
}  // namespace scope_migrate
