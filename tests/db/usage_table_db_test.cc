// simulate --usage-table against a real PostgreSQL (SPEC 12.1): the sample request log in
// a timestamptz table replays exactly as the same records from a JSON Lines file; a
// timestamp column read in the layout's zone, with renamed columns and a count column,
// keeps the window's edge to the microsecond; every counter of the summary is checked;
// the layout's refusals. Built into plan_db_test's binary, so it shares its cluster.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/pg_harness.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

using testing::DbTest;
using testing::ExecSql;
using testing::RunTool;
using testing::ToolResult;

const char kSince[] = "2026-01-01T00:00:00Z";

std::vector<std::string> Simulate(const std::vector<std::string>& more) {
  std::vector<std::string> args = {"simulate",    "--mapping", "mappings/legacy-roles.yaml",
                                   "--endpoints", "mappings/endpoints.yaml",
                                   "--format",    "jsonl"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

nlohmann::json Summary(const std::string& jsonl) {
  const std::vector<std::string> lines = Lines(jsonl);
  if (lines.empty()) return nlohmann::json();
  return nlohmann::json::parse(lines.back());
}

// The summary without window_to (the run's start, which differs between two runs).
nlohmann::json Counters(const std::string& jsonl) {
  nlohmann::json summary = Summary(jsonl);
  summary.erase("window_to");
  return summary;
}

// The key record of `id`.
nlohmann::json KeyRecord(const std::string& jsonl, const std::string& id) {
  for (const std::string& line : Lines(jsonl)) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record["type"] == "key" && record["id"] == id) return record;
  }
  return nlohmann::json();
}

// Every record but the summary's window_to: what two replays of the same calls share.
std::string WithoutWindowEnd(const std::string& jsonl) {
  std::string out;
  for (const std::string& line : Lines(jsonl)) {
    nlohmann::json record = nlohmann::json::parse(line);
    if (record["type"] == "summary") record.erase("window_to");
    out += record.dump() + "\n";
  }
  return out;
}

std::string Key(int n) {
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", n);
  return id;
}

class UsageTableDbTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    testing::LoadSamples(*conn_);
    dir_ = testing::MakeTempDir();
  }

  std::string Write(const std::string& name, const std::string& text) {
    testing::WriteFile(dir_ + "/" + name, text);
    return dir_ + "/" + name;
  }

  ToolResult Run(const std::vector<std::string>& more) { return RunTool(Simulate(more), env_); }

  std::string dir_;
};

// The sample log (samples/usage.jsonl) as a timestamptz table with a count column: the
// table's replay equals the file's records inside the window, line for line, and every
// counter is exact (the two records of 2025 are outside the window, so the SELECT never
// returns them: records 37, outside_window 0).
TEST_F(UsageTableDbTest, TimestamptzTableReplaysAsTheSameRecordsFromAFile) {
  ExecSql(*conn_,
          "CREATE TABLE api_request_log (api_key_id uuid, method text, path text, "
          "requested_at timestamptz NOT NULL, status integer, calls bigint);"
          "CREATE INDEX ON api_request_log (requested_at)");
  std::ifstream sample("samples/usage.jsonl");
  std::string in_window;
  for (std::string line; std::getline(sample, line);) {
    const nlohmann::json r = nlohmann::json::parse(line);
    pqxx::work txn(*conn_);
    txn.exec_params(
        "INSERT INTO api_request_log VALUES ($1::uuid, $2, $3, $4::timestamptz, $5, $6)",
        r["key"].get<std::string>(), r["method"].get<std::string>(),
        r["path"].get<std::string>(), r["at"].get<std::string>(),
        r.contains("status") ? std::optional<int>(r["status"].get<int>()) : std::nullopt,
        r.contains("count") ? std::optional<int64_t>(r["count"].get<int64_t>()) : std::nullopt);
    txn.commit();
    if (r["at"].get<std::string>() >= "2026") in_window += line + "\n";
  }
  const std::string layout = Write("layout.yaml", "usage: {count: calls}\n");
  const std::string file = Write("in-window.jsonl", in_window);

  const ToolResult table = Run({"--layout", layout, "--usage-table", "--usage-since", kSince});
  ASSERT_EQ(table.exit_code, 8) << table.err;
  const ToolResult from_file = Run({"--usage", file, "--usage-since", kSince});
  ASSERT_EQ(from_file.exit_code, 8) << from_file.err;
  EXPECT_EQ(WithoutWindowEnd(table.out), WithoutWindowEnd(from_file.out));

  // refused_before: key #12's 25 calls with 401, #4's 6 and #9's 1 with 403; other_keys:
  // #54 (made after the cutoff, 8) and a key of no database (4); unmatched: GET /v2/invoices
  // (3) and GET /v1/webhooks (5).
  const nlohmann::json expected = {
      {"type", "summary"},        {"records", 37},          {"calls", 1781},
      {"outside_window", 0},      {"refused_before", 32},   {"other_keys", 12},
      {"unmatched_calls", 8},     {"keys", 51},             {"keys_with_calls", 14},
      {"dormant_keys", 37},       {"breaking_keys", 3},     {"denied_calls", 42},
      {"blocked_keys_with_calls", 1}, {"unused_scopes", 370},
      {"window_from", "2026-01-01T00:00:00Z"}};
  EXPECT_EQ(Counters(table.out), expected) << Summary(table.out).dump();

  // The whole sample file: the two records of 2025 are read and counted outside the
  // window; every other counter is the table's.
  const ToolResult whole =
      Run({"--usage", "samples/usage.jsonl", "--usage-since", kSince});
  nlohmann::json whole_counters = Counters(whole.out);
  EXPECT_EQ(whole_counters["records"], 39);
  EXPECT_EQ(whole_counters["outside_window"], 81);
  whole_counters["records"] = 37;
  whole_counters["outside_window"] = 0;
  EXPECT_EQ(whole_counters, expected);

  // With --overrides the keys are read twice (the overrides' first pass): the table is
  // still read once, in the keys' pass, and equals the file.
  const std::vector<std::string> overrides = {"--overrides", "samples/overrides.yaml",
                                              "--usage-since", kSince};
  std::vector<std::string> table_args = {"--layout", layout, "--usage-table"};
  table_args.insert(table_args.end(), overrides.begin(), overrides.end());
  std::vector<std::string> file_args = {"--usage", file};
  file_args.insert(file_args.end(), overrides.begin(), overrides.end());
  const ToolResult table_overridden = Run(table_args);
  const ToolResult file_overridden = Run(file_args);
  EXPECT_EQ(table_overridden.err, "");
  EXPECT_EQ(WithoutWindowEnd(table_overridden.out), WithoutWindowEnd(file_overridden.out));
  EXPECT_EQ(Summary(table_overridden.out)["records"], 37);
  EXPECT_EQ(Summary(table_overridden.out)["calls"], 1781);

  // The text report names the table and its rows.
  const ToolResult text = RunTool({"simulate", "--mapping", "mappings/legacy-roles.yaml",
                                   "--endpoints", "mappings/endpoints.yaml", "--layout", layout,
                                   "--usage-table", "--usage-since", kSince},
                                  env_);
  EXPECT_NE(text.out.find("  usage:     table public.api_request_log, 37 rows in the window, "
                          "read in the keys' snapshot\n"),
            std::string::npos)
      << text.out;
}

// A `timestamp` column read in the layout's zone (Europe/Berlin, UTC+1 in March), every
// column renamed, no status column, a count column with NULLs: the record exactly at
// --usage-since is in, one microsecond before is out, and so is a record after the run's
// start; counts add up; a PLANFILE's keys replay the same.
TEST_F(UsageTableDbTest, TimestampTableInItsZoneWithRenamedColumnsKeepsTheWindowsEdge) {
  ExecSql(*conn_,
          "CREATE SCHEMA logs;"
          "CREATE TABLE logs.calls (token text, verb text, uri text, called_at timestamp, n int);"
          "INSERT INTO logs.calls VALUES"
          // 2026-03-01T00:00:00Z is 01:00 in Berlin: exactly at the window's start.
          "  ('" + Key(1) + "', 'GET', '/v1/invoices', '2026-03-01 01:00:00', 3),"
          // One microsecond before: out.
          "  ('" + Key(1) + "', 'GET', '/v1/invoices', '2026-03-01 00:59:59.999999', 100),"
          // A call of key #1 that its finance-manager scopes allow, count NULL = 1.
          "  ('" + Key(1) + "', 'GET', '/v1/invoices/inv-7', '2026-03-05 10:00:00.25', NULL),"
          // A route #2's order-manager scopes do not allow: denied.
          "  ('" + Key(2) + "', 'GET', '/v1/reports', '2026-03-06 12:00:00', 9),"
          "  ('" + Key(2) + "', 'get', '/v1/nowhere?x=1', '2026-03-06 12:00:01', 2),"
          // A key that is not a legacy key, a NULL key, and a call after the run's start.
          "  ('99999999-0000-4000-8000-000000000000', 'GET', '/v1/invoices', "
          "   '2026-03-07 00:00:00', 5),"
          "  (NULL, 'GET', '/v1/health', '2026-03-07 00:00:00', 4),"
          "  ('" + Key(1) + "', 'GET', '/v1/invoices', '2999-01-01 00:00:00', 1000)");
  const std::string layout = Write(
      "layout.yaml",
      "usage:\n"
      "  table: logs.calls\n"
      "  key: token\n"
      "  method: verb\n"
      "  path: uri\n"
      "  at: called_at\n"
      "  status: null\n"
      "  count: n\n"
      "  timezone: Europe/Berlin\n");
  const std::vector<std::string> window = {"--usage-since", "2026-03-01T00:00:00Z"};
  std::vector<std::string> args = {"--layout", layout, "--usage-table"};
  args.insert(args.end(), window.begin(), window.end());
  const ToolResult table = Run(args);
  ASSERT_EQ(table.exit_code, 8) << table.err;
  const nlohmann::json expected = {
      {"type", "summary"},        {"records", 6},         {"calls", 15},
      {"outside_window", 0},      {"refused_before", 0},  {"other_keys", 9},
      {"unmatched_calls", 2},     {"keys", 51},           {"keys_with_calls", 2},
      {"dormant_keys", 49},       {"breaking_keys", 1},   {"denied_calls", 9},
      {"blocked_keys_with_calls", 0}, {"unused_scopes", 0},
      {"window_from", "2026-03-01T00:00:00Z"}};
  nlohmann::json counters = Counters(table.out);
  counters.erase("unused_scopes");  // checked below, per key
  nlohmann::json want = expected;
  want.erase("unused_scopes");
  EXPECT_EQ(counters, want) << Summary(table.out).dump();

  const nlohmann::json one = KeyRecord(table.out, Key(1));
  EXPECT_EQ(one["calls"], 4);
  EXPECT_EQ(one["last_seen"], "2026-03-05T09:00:00.250000Z");
  EXPECT_EQ(one["denied"], nlohmann::json::array());
  const nlohmann::json two = KeyRecord(table.out, Key(2));
  EXPECT_EQ(two["calls"], 11);
  ASSERT_EQ(two["denied"].size(), 1u);
  EXPECT_EQ(two["denied"][0]["route"], "GET /v1/reports");
  EXPECT_EQ(two["denied"][0]["calls"], 9);
  EXPECT_EQ(two["denied"][0]["last_seen"], "2026-03-06T11:00:00Z");

  // The same calls as a JSON Lines file (in UTC) replay identically.
  const std::string file = Write(
      "calls.jsonl",
      "{\"key\":\"" + Key(1) + "\",\"method\":\"GET\",\"path\":\"/v1/invoices\","
      "\"at\":\"2026-03-01T00:00:00Z\",\"count\":3}\n"
      "{\"key\":\"" + Key(1) + "\",\"method\":\"GET\",\"path\":\"/v1/invoices/inv-7\","
      "\"at\":\"2026-03-05T09:00:00.25Z\"}\n"
      "{\"key\":\"" + Key(2) + "\",\"method\":\"GET\",\"path\":\"/v1/reports\","
      "\"at\":\"2026-03-06T11:00:00Z\",\"count\":9}\n"
      "{\"key\":\"" + Key(2) + "\",\"method\":\"get\",\"path\":\"/v1/nowhere?x=1\","
      "\"at\":\"2026-03-06T11:00:01Z\",\"count\":2}\n"
      "{\"key\":\"99999999-0000-4000-8000-000000000000\",\"method\":\"GET\","
      "\"path\":\"/v1/invoices\",\"at\":\"2026-03-06T23:00:00Z\",\"count\":5}\n"
      "");
  std::vector<std::string> file_args = {"--usage", file};
  file_args.insert(file_args.end(), window.begin(), window.end());
  const ToolResult from_file = Run(file_args);
  ASSERT_EQ(from_file.exit_code, 8) << from_file.err;
  // A JSON Lines record cannot have an empty key: the table's NULL-key row (4 calls) is the
  // only difference.
  std::vector<std::string> table_lines = Lines(WithoutWindowEnd(table.out));
  std::vector<std::string> file_lines = Lines(WithoutWindowEnd(from_file.out));
  ASSERT_EQ(table_lines.size(), file_lines.size());
  table_lines.pop_back();
  file_lines.pop_back();
  EXPECT_EQ(table_lines, file_lines);
  nlohmann::json file_counters = Counters(from_file.out);
  EXPECT_EQ(file_counters["records"], 5);
  EXPECT_EQ(file_counters["other_keys"], 5);
  file_counters["records"] = 6;
  file_counters["other_keys"] = 9;
  EXPECT_EQ(file_counters, Counters(table.out));

  // A plan file's keys with the table: the same replay.
  const std::string plan = dir_ + "/plan.jsonl";
  ASSERT_EQ(RunTool({"plan", "--mapping", "mappings/legacy-roles.yaml", "--out", plan}, env_)
                .exit_code,
            0);
  std::vector<std::string> plan_args = {"simulate", plan, "--endpoints", "mappings/endpoints.yaml",
                                        "--format", "jsonl"};
  plan_args.insert(plan_args.end(), args.begin(), args.end());
  const ToolResult planned = RunTool(plan_args, env_);
  ASSERT_EQ(planned.exit_code, 8) << planned.err;
  EXPECT_EQ(WithoutWindowEnd(planned.out), WithoutWindowEnd(table.out));
}

// A role with only the GRANTs audit-sql prints for a layout with a usage: section (the
// request log in a schema of its own) replays the table.
TEST_F(UsageTableDbTest, TheAuditSqlGrantsAreEnoughToReplayTheTable) {
  ExecSql(*conn_,
          "CREATE SCHEMA logs;"
          "CREATE TABLE logs.calls (api_key_id uuid, method text, path text, "
          "requested_at timestamptz, status int);"
          "INSERT INTO logs.calls VALUES ('" + Key(2) + "', 'GET', '/v1/reports', "
          "'2026-03-06 12:00:00Z', 200)");
  const std::string layout = Write("layout.yaml", "usage: {table: logs.calls}\n");
  const std::string role = "replay_" + db_;
  ExecSql(*conn_, "DROP ROLE IF EXISTS " + role + "; CREATE ROLE " + role + " LOGIN");
  const ToolResult sql = RunTool({"audit-sql", "--layout", layout, "--grant-to", role}, env_);
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  const std::string to = " TO \"" + role + "\";\n";
  EXPECT_NE(sql.out.find("\n-- simulate --usage-table: reads the request log of the layout's "
                         "usage: section\nGRANT USAGE ON SCHEMA \"logs\"" + to +
                         "GRANT SELECT ON \"logs\".\"calls\"" + to),
            std::string::npos)
      << sql.out;
  ExecSql(*conn_, sql.out);
  testing::Env env = env_;
  env["PGUSER"] = role;
  const ToolResult r = RunTool(Simulate({"--layout", layout, "--usage-table", "--usage-since",
                                         kSince}),
                               env);
  EXPECT_EQ(r.exit_code, 8) << r.err;
  EXPECT_EQ(Summary(r.out)["denied_calls"], 1);
  ExecSql(*conn_, "DROP OWNED BY " + role + "; DROP ROLE " + role);
}

// The layout's refusals, before any record is read.
TEST_F(UsageTableDbTest, RefusesWhatTheLayoutCannotMean) {
  ExecSql(*conn_,
          "CREATE TABLE api_request_log (api_key_id text, method text, path text, "
          "requested_at timestamp, status text, at_date date);"
          "CREATE TABLE counted (api_key_id text, method text, path text, "
          "requested_at timestamptz, status int, n int);"
          "INSERT INTO counted VALUES ('" + Key(1) + "', 'GET', '/v1/invoices', '2026-03-02Z', "
          "200, 0)");
  struct Case {
    const char* layout;
    int exit_code;
    std::string message;  // after "FILE" (layout errors) or alone
  };
  const std::vector<Case> cases = {
      {"keys: {table: api_keys}\n", 64,
       "scope-migrate: --usage-table reads the layout's usage: section, and the layout LAYOUT has "
       "none (see docs/replay.md)\n"},
      {"usage: {table: no_such_log}\n", 65,
       "scope-migrate: LAYOUT:1:16: table \"no_such_log\" does not exist\n"},
      {"usage: {path: uri}\n", 65,
       "scope-migrate: LAYOUT:1:15: column \"uri\" of table \"api_request_log\" does not exist\n"},
      {"usage: {status: null}\n", 65,
       "scope-migrate: LAYOUT: usage.at: column \"requested_at\" of table \"api_request_log\" is "
       "timestamp without time zone: name the zone its values are in (usage: {timezone: UTC}, or "
       "keys.timezone), so the window does not depend on the server's TimeZone\n"},
      {"usage: {at: at_date}\n", 65,
       "scope-migrate: LAYOUT:1:13: column \"at_date\" of table \"api_request_log\" is date: it "
       "must be timestamptz, or timestamp with a zone\n"},
      {"usage: {timezone: Mars/Olympus}\n", 65,
       "scope-migrate: LAYOUT:1:19: time zone \"Mars/Olympus\" is not known to the server (an "
       "IANA name, e.g. UTC or Europe/Berlin)\n"},
      {"usage: {timezone: UTC}\n", 65,
       "scope-migrate: LAYOUT: usage.status: column \"status\" of table \"api_request_log\" is "
       "text: status must be smallint, integer or bigint\n"},
      {"usage: {table: counted, count: n}\n", 65,
       "scope-migrate: table public.counted: a row of key \"" + Key(1) +
           "\" has count 0 (a count is at least 1)\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.layout);
    const std::string layout = Write("layout.yaml", c.layout);
    const ToolResult r = Run({"--layout", layout, "--usage-table", "--usage-since", kSince});
    EXPECT_EQ(r.exit_code, c.exit_code);
    std::string expected = c.message;
    for (size_t at; (at = expected.find("LAYOUT")) != std::string::npos;) {
      expected.replace(at, 6, layout);
    }
    EXPECT_EQ(r.err, expected);
    EXPECT_EQ(r.out, "");
  }
}

}  // namespace
}  // namespace scope_migrate
