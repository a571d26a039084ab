// Storage shapes on PostgreSQL (SPEC 10.9): for each schema of samples/shapes/ (roles and
// scopes in text[] columns; JSON in jsonb and text columns with `timestamp` and no
// revocation column; delimited strings; role ids through a names table), run with its own
// layout file: plan with the blocked keys' reasons, apply killed with -9 and resumed,
// --prune, and rollback to the exact original bytes (NULL stays NULL). Then hostile values,
// a 10,000-role key, a key that changes after the plan, least-privilege grants from
// `audit-sql`, and layout errors naming the entry with exit 65.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "support/db_util.h"
#include "support/pg_harness.h"

namespace scope_migrate {
namespace {

using testing::Count;
using testing::ExecSql;
using testing::ReadFile;
using testing::RunTool;
using testing::ToolResult;

constexpr char kMapping[] = "mappings/legacy-roles.yaml";

struct ShapeCase {
  const char* name;        // directory under samples/shapes/
  const char* audit;       // schema of the audit tables (that of the keys table)
  const char* state;       // SQL: one row per key, "id|value" with the stored text (or scope rows)
  const char* scope_sets;  // SQL: (key id, scope) for every scope a key holds now
  std::map<std::string, std::string> statuses;  // plan: key id -> "status reason"
};

const ShapeCase kShapes[] = {
    {"array",
     "public",
     "SELECT id || '|' || coalesce(scopes::text, '<NULL>') FROM service_tokens ORDER BY id",
     "SELECT id::text, unnest(scopes) FROM service_tokens",
     {{"1", "change"},
      {"2", "change"},
      {"3", "change"},
      {"4", "blocked roles value does not parse: element 2 is NULL"},
      {"5", "blocked no roles"},
      {"6", "blocked no roles"},
      {"7", "blocked roles value does not parse: a multi-dimensional array"},
      {"8", "skipped revoked"},
      {"10", "change"},
      {"11", "unchanged"},
      {"12", "blocked unknown role \"x\"y, z\""}}},
    {"json",
     "public",
     "SELECT id || '|' || coalesce(abilities, '<NULL>') FROM personal_access_tokens ORDER BY id",
     "SELECT id::text, jsonb_array_elements_text(abilities::jsonb) FROM personal_access_tokens "
     "WHERE id NOT IN (5)",
     {{"1", "change"},
      {"2", "change"},
      {"3", "blocked roles value does not parse: a JSON object, not an array"},
      {"4", "blocked roles value does not parse: element 2 is a number, not a string"},
      {"5", "blocked scopes value does not parse: not JSON"},
      {"6", "blocked no roles"},
      {"7", "change"},
      {"8", "blocked unknown role \"\""},
      {"10", "change"}}},
    {"delimited",
     "public",
     "SELECT id || '|' || coalesce(scopes, '<NULL>') FROM oauth_access_tokens ORDER BY id",
     "SELECT id::text, s FROM oauth_access_tokens, regexp_split_to_table(scopes, ' ') s "
     "WHERE s <> ''",
     {{"1", "change"},
      {"2", "change"},
      {"3", "change"},
      {"4", "blocked unknown role \"Super\""},
      {"5", "skipped revoked"},
      {"6", "change"},
      {"7", "blocked no roles"}}},
    {"ids",
     "portal",
     "SELECT key_id || '|' || scope FROM portal.key_scopes ORDER BY key_id, scope",
     "SELECT key_id::text, scope FROM portal.key_scopes",
     {{"1", "change"},
      {"2", "change"},
      {"3", "blocked unknown role id \"99\""},
      {"4", "blocked no roles"},
      {"5", "blocked unknown role id \"11\""},
      {"6", "skipped revoked"}}},
};

void PrintTo(const ShapeCase& shape, std::ostream* out) { *out << shape.name; }

class ShapesTest : public testing::DbTest, public ::testing::WithParamInterface<ShapeCase> {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    dir_ = testing::MakeTempDir();
    ExecSql(*conn_, ReadFile(Sample("schema.sql")));
  }

  std::string Sample(const std::string& file) const {
    return testing::SourcePath(std::string("samples/shapes/") + GetParam().name + "/" + file);
  }

  std::string Plan(const std::vector<std::string>& extra = {}) {
    const std::string path = dir_ + "/plan.jsonl";
    std::vector<std::string> args = {
        "plan",  "--mapping", kMapping,   "--layout", Sample("layout.yaml"),
        "--out", path,        "--format", "jsonl"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ToolResult r = RunTool(args, env_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return path;
  }

  std::vector<std::string> Apply(const std::string& plan) const {
    return {"apply", plan, "--layout", Sample("layout.yaml"), "--allow-blocked"};
  }

  std::string State() {
    pqxx::read_transaction txn(*conn_);
    std::string out;
    for (const auto& row : txn.exec(GetParam().state)) out += std::string(row[0].c_str()) + "\n";
    return out;
  }

  std::map<std::string, std::set<std::string>> ScopeSets() {
    pqxx::read_transaction txn(*conn_);
    std::map<std::string, std::set<std::string>> out;
    for (const auto& row : txn.exec(GetParam().scope_sets))
      out[row[0].c_str()].insert(row[1].c_str());
    return out;
  }

  // Every key the plan changes holds exactly its planned scopes.
  void ExpectPlanApplied(const std::string& plan) {
    const auto planned = testing::PlannedFinalScopes(plan);
    ASSERT_FALSE(planned.empty());
    const auto now = ScopeSets();
    for (const auto& [id, scopes] : planned) {
      const auto it = now.find(id);
      EXPECT_EQ(it == now.end() ? std::set<std::string>{} : it->second, scopes) << "key " << id;
    }
  }

  std::string Audit(const std::string& table) const {
    return std::string(GetParam().audit) + "." + table;
  }

  long long KeysChanged(int run) {
    return Count(*conn_, "SELECT coalesce(max(keys_changed), 0) FROM " +
                             Audit("scope_migration_runs") +
                             " WHERE run_id = " + std::to_string(run));
  }

  std::string dir_;
};

std::map<std::string, std::string> Statuses(const std::string& plan) {
  std::map<std::string, std::string> out;
  std::istringstream in(ReadFile(plan));
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j.at("type") != "key") continue;
    const std::string reason = j.value("reason", "");
    out[j.at("id").get<std::string>()] =
        j.at("status").get<std::string>() + (reason.empty() ? "" : " " + reason);
  }
  return out;
}

TEST_P(ShapesTest, PlanGivesEachKeyItsStatusAndReason) {
  const std::string plan = Plan();
  EXPECT_EQ(Statuses(plan), GetParam().statuses);
}

TEST_P(ShapesTest, KillDashNineThenResumeThenRollbackToTheExactBytes) {
  const std::string before = State();
  const std::string plan = Plan();
  std::vector<std::string> args = Apply(plan);
  for (const char* arg : {"--batch-size", "1", "--pause", "300ms"}) args.push_back(arg);
  const pid_t pid = testing::SpawnTool(args, env_, dir_ + "/k.out", dir_ + "/k.err");
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool started = false;
  while (!started && std::chrono::steady_clock::now() < end) {
    try {
      started = KeysChanged(1) > 0;
    } catch (const std::exception&) {
      // the audit tables may not exist yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  EXPECT_EQ(testing::WaitTool(pid), 128 + SIGKILL);
  ASSERT_TRUE(started) << ReadFile(dir_ + "/k.err");
  const long long written = KeysChanged(1);
  const long long changes = static_cast<long long>(testing::PlannedFinalScopes(plan).size());
  EXPECT_LT(written, changes) << "the kill came too late to test anything";
  EXPECT_NE(State(), before);

  const ToolResult resumed = RunTool(Apply(plan), env_);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find(std::to_string(written) + " keys were already applied"),
            std::string::npos)
      << resumed.out;
  ExpectPlanApplied(plan);
  EXPECT_EQ(Count(*conn_, "SELECT sum(keys_changed) FROM " + Audit("scope_migration_runs")),
            changes);

  std::string sha;
  {
    pqxx::read_transaction txn(*conn_);
    sha = txn.exec("SELECT plan_sha256 FROM " + Audit("scope_migration_runs") +
                   " WHERE run_id = 1")[0][0]
              .c_str();
  }
  EXPECT_EQ(sha.size(), 64u);
  const ToolResult rollback =
      RunTool({"rollback", "--plan", sha, "--layout", Sample("layout.yaml"), "--yes"}, env_);
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(State(), before);
}

TEST_P(ShapesTest, PruneRemovesWhatIsOutsideTheTargetAndRollsBack) {
  const std::string before = State();
  const std::string plan = Plan({"--prune"});
  const ToolResult applied = RunTool(Apply(plan), env_);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ExpectPlanApplied(plan);
  const ToolResult rollback =
      RunTool({"rollback", "--run", "1", "--layout", Sample("layout.yaml"), "--yes"}, env_);
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(State(), before);
}

INSTANTIATE_TEST_SUITE_P(Samples, ShapesTest, ::testing::ValuesIn(kShapes),
                         [](const auto& info) { return std::string(info.param.name); });

// Values written, exactly: new scopes appended in catalog order, the rest of the value kept.
class ShapeValuesTest : public testing::DbTest {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    dir_ = testing::MakeTempDir();
  }

  void Load(const std::string& shape) {
    shape_ = shape;
    ExecSql(*conn_, ReadFile(Layout("schema.sql")));
  }

  std::string Layout(const std::string& file = "layout.yaml") const {
    return testing::SourcePath("samples/shapes/" + shape_ + "/" + file);
  }

  // Plans into a file as `env`'s role and returns the file's path.
  std::string Plan(const testing::Env& env) {
    const std::string plan = dir_ + "/plan.jsonl";
    const ToolResult planned = RunTool(
        {"plan", "--mapping", kMapping, "--layout", Layout(), "--out", plan, "--format", "jsonl"},
        env);
    EXPECT_EQ(planned.exit_code, 0) << planned.err;
    return plan;
  }

  ToolResult PlanAndApply() {
    return RunTool({"apply", Plan(env_), "--layout", Layout(), "--allow-blocked"}, env_);
  }

  std::string Value(const std::string& sql) {
    pqxx::read_transaction txn(*conn_);
    const pqxx::result r = txn.exec(sql);
    return r[0][0].is_null() ? "<NULL>" : r[0][0].c_str();
  }

  std::string dir_, shape_;
};

TEST_F(ShapeValuesTest, DelimitedKeepsBytesAndAppendsInCatalogOrder) {
  Load("delimited");
  const ToolResult applied = PlanAndApply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(Value("SELECT scopes FROM oauth_access_tokens WHERE id = 2"),
            "read  write access-management-read access-management-write beta-preview");
  EXPECT_EQ(Value("SELECT scopes FROM oauth_access_tokens WHERE id = 3"), "beta-preview");
  EXPECT_EQ(Value("SELECT scopes FROM oauth_access_tokens WHERE id = 4"), "<NULL>");  // blocked
  EXPECT_EQ(Value("SELECT previous FROM scope_migration_values WHERE api_key_id = '3'"), "");
  EXPECT_EQ(Value("SELECT previous FROM scope_migration_values WHERE api_key_id = '1'"), "<NULL>");
}

TEST_F(ShapeValuesTest, JsonAndArrayValuesAreRebuiltCompactly) {
  Load("json");
  ASSERT_EQ(PlanAndApply().exit_code, 0);
  EXPECT_EQ(Value("SELECT abilities FROM personal_access_tokens WHERE id = 2"),
            R"(["*","beta-preview"])");
  EXPECT_EQ(Value("SELECT abilities FROM personal_access_tokens WHERE id = 5"), "read,write");
  EXPECT_EQ(Value("SELECT written FROM scope_migration_values WHERE api_key_id = '2'"),
            R"(["*","beta-preview"])");
}

TEST_F(ShapeValuesTest, TenThousandRolesInOneKey) {
  Load("array");
  ExecSql(*conn_,
          "INSERT INTO service_tokens (id, tenant, created_at, roles, scopes) SELECT 100, 'big', "
          "'2024-01-01Z', array_agg(CASE WHEN i = 10000 THEN 'Manage users' ELSE 'Beta preview' "
          "END), '{\"weird, \\\"quoted\\\" scope\"}' FROM generate_series(1, 10000) i");
  const ToolResult applied = PlanAndApply();
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(
      Value("SELECT scopes::text FROM service_tokens WHERE id = 100"),
      R"({"weird, \"quoted\" scope",access-management-read,access-management-write,beta-preview})");
  ASSERT_EQ(RunTool({"rollback", "--run", "1", "--layout", Layout(), "--yes"}, env_).exit_code, 0);
  EXPECT_EQ(Value("SELECT scopes::text FROM service_tokens WHERE id = 100"),
            R"({"weird, \"quoted\" scope"})");
  EXPECT_EQ(Value("SELECT array_length(roles, 1)::text FROM service_tokens WHERE id = 100"),
            "10000");
}

TEST_F(ShapeValuesTest, AValueThatStopsParsingAfterThePlanIsStale) {
  Load("json");
  const std::string plan = Plan(env_);
  ExecSql(*conn_, "UPDATE personal_access_tokens SET abilities = '{oops' WHERE id = 1");
  const ToolResult applied =
      RunTool({"apply", plan, "--layout", Layout(), "--allow-blocked"}, env_);
  EXPECT_EQ(applied.exit_code, 4) << applied.err;
  EXPECT_NE(applied.err.find("key 1 (plan line"), std::string::npos) << applied.err;
  EXPECT_NE(applied.err.find("scopes value does not parse: not JSON"), std::string::npos)
      << applied.err;
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM scope_migration_values"), 0);
  EXPECT_EQ(Value("SELECT abilities FROM personal_access_tokens WHERE id = 2"), "[ \"*\" ]");
}

TEST_F(ShapeValuesTest, ARoleWithOnlyTheAuditSqlGrantsAppliesAndRollsBack) {
  Load("delimited");
  const std::string role = "shapes_" + db_;
  ExecSql(*conn_, "DROP ROLE IF EXISTS " + role + "; CREATE ROLE " + role + " LOGIN");
  const ToolResult sql = RunTool({"audit-sql", "--layout", Layout(), "--grant-to", role}, env_);
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  EXPECT_NE(sql.out.find("GRANT UPDATE (\"id\", \"scopes\") ON \"oauth_access_tokens\""),
            std::string::npos)
      << sql.out;
  ExecSql(*conn_, sql.out);
  testing::Env env = env_;
  env["PGUSER"] = role;
  const std::string plan = Plan(env);
  const ToolResult applied = RunTool({"apply", plan, "--layout", Layout(), "--allow-blocked"}, env);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  const ToolResult rollback =
      RunTool({"rollback", "--run", "1", "--layout", Layout(), "--yes"}, env);
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_EQ(Value("SELECT scopes FROM oauth_access_tokens WHERE id = 2"), "read  write");
  ExecSql(*conn_, "DROP OWNED BY " + role + "; DROP ROLE " + role);
}

// A json (not jsonb) scopes column and a varchar(64)[] one: written through their own
// types, rolled back to the same bytes.
TEST_F(ShapeValuesTest, JsonAndVarcharArrayColumnsRoundTrip) {
  for (const std::string shape : {"json", "array"}) {
    SCOPED_TRACE(shape);
    testing::DbTest::SetUp();
    Load(shape);
    const std::string table = shape == "json" ? "personal_access_tokens" : "service_tokens";
    const std::string column = shape == "json" ? "abilities" : "scopes";
    // A json column holds only JSON: key 5's "read,write" cannot stay.
    if (shape == "json") ExecSql(*conn_, "DELETE FROM personal_access_tokens WHERE id = 5");
    ExecSql(*conn_, "ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE " +
                        (shape == "json" ? "json USING abilities::json"
                                         : "varchar(64)[] USING scopes::varchar(64)[]"));
    const std::string state = "SELECT string_agg(id || '=' || coalesce(" + column +
                              "::text, '<NULL>'), ' ' ORDER BY id) FROM " + table;
    const std::string before = Value(state);
    const ToolResult applied = PlanAndApply();
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    EXPECT_NE(Value(state), before);
    EXPECT_EQ(Value("SELECT " + column + "::text FROM " + table + " WHERE id = 1"),
              shape == "json" ? R"(["contract-order-management-read","document-management-read",)"
                                R"("product-management-read","product-management-write",)"
                                R"("tenant-management-read"])"
                              : "{contract-order-management-read,document-management-read,"
                                "product-management-read,product-management-write,"
                                "tenant-management-read}");
    const ToolResult rollback =
        RunTool({"rollback", "--run", "1", "--layout", Layout(), "--yes", "--jobs", "2"}, env_);
    ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
    EXPECT_EQ(Value(state), before);
  }
}

TEST_F(ShapeValuesTest, TimestampColumnsPlanTheSameUnderEverySessionZone) {
  Load("json");
  std::string first;
  for (const char* zone : {"UTC", "America/New_York", "Asia/Tokyo", "Europe/Berlin"}) {
    testing::Env env = env_;
    env["PGTZ"] = zone;
    const ToolResult r =
        RunTool({"plan", "--mapping", kMapping, "--layout", Layout(), "--format", "jsonl"}, env);
    ASSERT_EQ(r.exit_code, 0) << zone << ": " << r.err;
    EXPECT_NE(r.out.find(R"({"type":"key","id":"10","name":"last legacy token","status":"change")"),
              std::string::npos)
        << zone;
    if (first.empty()) first = r.out;
    EXPECT_EQ(r.out, first) << zone;
  }
}

TEST_F(ShapeValuesTest, AValueTooLongForItsColumnFailsTheBatchAndIsNotCut) {
  Load("delimited");
  ExecSql(*conn_, "ALTER TABLE oauth_access_tokens ALTER COLUMN scopes TYPE varchar(40)");
  const std::string before = Value(
      "SELECT string_agg(id || '=' || coalesce(scopes, '<NULL>'), ' ' ORDER BY id) FROM "
      "oauth_access_tokens");
  const ToolResult applied = PlanAndApply();
  EXPECT_EQ(applied.exit_code, 1) << applied.err;
  EXPECT_NE(applied.err.find("value too long"), std::string::npos) << applied.err;
  EXPECT_EQ(Value("SELECT string_agg(id || '=' || coalesce(scopes, '<NULL>'), ' ' ORDER BY id) "
                  "FROM oauth_access_tokens"),
            before);
  EXPECT_EQ(Value("SELECT status FROM scope_migration_runs WHERE run_id = 1"), "failed");
}

TEST_F(ShapeValuesTest, ARoleIdWithTwoNamesIsRefused) {
  Load("ids");
  ExecSql(*conn_,
          "ALTER TABLE portal.roles DROP CONSTRAINT roles_pkey; "
          "INSERT INTO portal.roles VALUES (5, 'Admin')");
  const ToolResult r =
      RunTool({"plan", "--mapping", kMapping, "--layout", Layout(), "--format", "jsonl"}, env_);
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_NE(r.err.find(Layout() + ":5:17: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("roles.names.id is not unique in \"portal.roles\": id \"5\" has 2 rows"),
            std::string::npos)
      << r.err;
}

TEST_F(ShapeValuesTest, TableLayoutsNeedNoValuesTable) {
  ExecSql(*conn_, ReadFile(testing::SourcePath("samples/schema.sql")));
  ExecSql(*conn_, ReadFile(testing::SourcePath("samples/legacy-keys.sql")));
  const ToolResult sql = RunTool({"audit-sql"}, env_);
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  ExecSql(*conn_, sql.out);
  // Audit tables made by a version without scope_migration_values.
  ExecSql(*conn_, "DROP TABLE scope_migration_values");
  const ToolResult applied =
      RunTool({"apply", "--mapping", kMapping, "--allow-blocked", "--yes"}, env_);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  ASSERT_EQ(RunTool({"rollback", "--run", "1", "--yes"}, env_).exit_code, 0);
  EXPECT_EQ(Count(*conn_,
                  "SELECT count(*) FROM pg_tables WHERE tablename = "
                  "'scope_migration_values'"),
            0);
}

// Layout errors: exit 65 naming the file, line and column of the entry; nothing written.
class LayoutShapeErrorsTest : public testing::DbTest {
 protected:
  void SetUp() override {
    testing::DbTest::SetUp();
    dir_ = testing::MakeTempDir();
    ExecSql(*conn_, ReadFile(testing::SourcePath("samples/shapes/array/schema.sql")));
    ExecSql(*conn_,
            "ALTER TABLE service_tokens ADD COLUMN notes text; CREATE TABLE names "
            "(id text, name text); CREATE TABLE role_ids (api_key_id bigint, role "
            "integer); CREATE TABLE api_key_scopes (api_key_id bigint, scope text)");
  }

  // Runs `command` with a layout of `body`; expects 65 and `message` at `position`.
  void ExpectRefused(const std::string& command, const std::string& body,
                     const std::string& position, const std::string& message) {
    const std::string layout = dir_ + "/layout.yaml";
    testing::WriteFile(layout, body);
    std::vector<std::string> args;
    if (command == "plan") {
      args = {"plan", "--mapping", kMapping, "--layout", layout};
    } else {
      args = {"apply", "--mapping", kMapping, "--layout", layout, "--allow-blocked", "--yes"};
    }
    const ToolResult r = RunTool(args, env_);
    EXPECT_EQ(r.exit_code, 65) << r.err;
    EXPECT_NE(r.err.find(layout + ":" + position + ": "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(
        Count(*conn_, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'scope_migration%'"), 0);
  }

  std::string dir_;
};

constexpr char kKeys[] = "keys: {table: service_tokens, tenant: tenant, name: label}\n";

TEST_F(LayoutShapeErrorsTest, EachMistakeNamesItsEntry) {
  ExpectRefused("apply",
                std::string(kKeys) +
                    "roles: {column: roles, format: array}\n"
                    "scopes: {column: roles, format: array}\n",
                "3:18", "roles and scopes are the same column \"roles\"");
  ExpectRefused("plan", std::string(kKeys) + "roles: {column: nope, format: array}\n", "2:17",
                "column \"nope\" of table \"service_tokens\" does not exist");
  ExpectRefused("plan", std::string(kKeys) + "roles: {column: notes, format: array}\n", "2:17",
                "column \"notes\" is text: format array needs text[] or varchar[]");
  ExpectRefused("plan", std::string(kKeys) + "roles: {column: roles}\n", "2:17",
                "roles.column needs a format: array, json or delimited");
  ExpectRefused("plan",
                std::string(kKeys) +
                    "roles: {column: roles, format: array}\n"
                    "scopes: {column: notes, format: delimited, separator: \"-\"}\n",
                "3:55",
                "scope \"access-management-read\" of the catalog holds the separator \"-\"");
  ExpectRefused("plan", std::string(kKeys) + "roles: {column: roles, table: x, format: array}\n",
                "2:31", "roles.table cannot be combined with roles.column");
  ExpectRefused("plan", std::string(kKeys) + "roles: {column: created_at, format: json}\n", "2:17",
                "roles.column \"created_at\" is also a column of keys");
  ExpectRefused("plan",
                std::string(kKeys) +
                    "roles: {table: role_ids, names: {table: names}}\n"
                    "scopes: {column: scopes, format: array}\n",
                "2:33", "roles.role \"role\" cannot be compared with roles.names.id");
  ExpectRefused("plan",
                std::string(kKeys) + "roles: {column: roles, format: array, separator: \",\"}\n",
                "2:50", "roles.separator is only for format delimited");
}

// Two names past 63 bytes that PostgreSQL cuts to one column, and a scopes table that is
// where the roles (or the keys) are: refused before anything is written.
TEST_F(LayoutShapeErrorsTest, ScopesNeverOverlapTheRoles) {
  const std::string prefix(63, 'c');
  ExecSql(*conn_, "ALTER TABLE service_tokens ADD COLUMN " + prefix + " text[]");
  ExpectRefused("apply",
                std::string(kKeys) + "roles: {column: " + prefix + "_roles, format: array}\n" +
                    "scopes: {column: " + prefix + "_scopes, format: array}\n",
                "2:17", "roles.column \"" + prefix + "_roles\" is 69 bytes");
  ExecSql(*conn_,
          "CREATE TABLE token_roles (api_key_id bigint, role text); CREATE TABLE role_names (id "
          "integer, name text)");
  ExpectRefused("apply",
                std::string(kKeys) + "roles: {table: token_roles}\n" +
                    "scopes: {table: token_roles, key: api_key_id, scope: role}\n",
                "3:17", "scopes.table \"token_roles\" is the roles table");
  ExpectRefused("apply",
                std::string(kKeys) + "roles: {table: token_roles}\n" +
                    "scopes: {table: public.token_roles, key: api_key_id, scope: role}\n",
                "3:17", "scopes.table \"public.token_roles\" is the roles table");
  ExpectRefused("plan",
                std::string(kKeys) + "roles: {table: role_ids, names: {table: role_names}}\n" +
                    "scopes: {table: role_names, key: id, scope: name}\n",
                "3:17", "scopes.table \"role_names\" is the role names table");
  ExpectRefused("plan",
                std::string(kKeys) + "roles: {column: roles, format: array}\n" +
                    "scopes: {table: service_tokens, key: id, scope: label}\n",
                "3:17", "scopes.table \"service_tokens\" is the keys table");
  EXPECT_EQ(Count(*conn_, "SELECT count(*) FROM token_roles"), 0);
}

}  // namespace
}  // namespace scope_migrate
