#include "plan/report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "base/timestamps.h"
#include "base/version.h"
#include "core/fixture_source.h"
#include "core/key_source.h"
#include "core/mapping.h"
#include "plan/planner.h"
#include "support/shipped_mapping.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

using Json = nlohmann::json;
using Scopes = std::vector<std::string>;

// Keys from memory, applying the cutoff and the filter as the real sources do.
class MemorySource : public KeySource {
 public:
  explicit MemorySource(std::vector<KeyRecord> keys) : keys_(std::move(keys)) {
    std::sort(keys_.begin(), keys_.end(),
              [](const KeyRecord& a, const KeyRecord& b) { return a.id < b.id; });
  }
  std::string Describe() const override { return "memory"; }
  void Read(Instant cutoff, const KeyFilter& filter, KeyVisitor& visitor) override {
    auto selected = [&](const KeyRecord& key) {
      return filter.Matches(key.id, key.tenant ? &*key.tenant : nullptr);
    };
    auto legacy = [&](const KeyRecord& key) { return !key.created_at || *key.created_at < cutoff; };
    uint64_t legacy_count = 0, excluded = 0;
    for (const auto& key : keys_) {
      if (selected(key)) (legacy(key) ? legacy_count : excluded) += 1;
    }
    visitor.Begin(legacy_count, excluded);
    for (const auto& key : keys_) {
      if (selected(key) && legacy(key)) visitor.Visit(key);
    }
  }

 private:
  std::vector<KeyRecord> keys_;
};

const char kOddId[] = "k8,\"odd\"\nid-\xC3\xA9";        // k8,"odd"<LF>id-é
const char kOddTenant[] = "t,\"\xC3\xBC\"\nx";          // t,"ü"<LF>x
const char kOddRole[] = "Bad, \"role\" | x\n\xC3\x84";  // Bad, "role" | x<LF>Ä
const char kOddName[] = "Export, \"odd\"\nname";

KeyRecord MakeKey(const std::string& id, std::optional<std::string> tenant, Scopes roles,
                  Scopes scopes = {}) {
  KeyRecord key;
  key.id = id;
  key.tenant = std::move(tenant);
  key.created_at = *ParseRfc3339("2025-01-01T00:00:00Z");
  key.roles = std::move(roles);
  key.scopes = std::move(scopes);
  return key;
}

// Eight legacy keys covering every status, plus one created after the cutoff.
std::vector<KeyRecord> SampleKeys() {
  std::vector<KeyRecord> keys;
  keys.push_back(MakeKey("k1-change", "acme", {"Admin"}, {"access-management-read"}));
  keys.back().name = "Key one";
  keys.push_back(MakeKey("k2-unchanged", "acme", {"Beta preview"}, {"beta-preview"}));
  keys.push_back(
      MakeKey("k3-drift", "globex", {"Manage users"},
              {"access-management-read", "access-management-write", "report-management-read"}));
  keys.push_back(MakeKey("k4-blocked", "globex", {"SUPERUSER"}));
  KeyRecord revoked = MakeKey("k5-skipped", "initech", {"Finance Manager"});
  revoked.revoked = true;
  keys.push_back(revoked);
  KeyRecord undated = MakeKey("k6-missing", std::nullopt, {"Auditor"});
  undated.created_at.reset();
  keys.push_back(undated);
  keys.push_back(MakeKey("k7-change", "initech", {"Beta preview", "Product Manager"},
                         {"tax-management-write"}));
  keys.push_back(MakeKey(kOddId, std::string(kOddTenant), {kOddRole}));
  keys.back().name = kOddName;
  KeyRecord late = MakeKey("k9-new", "acme", {}, {"beta-preview"});
  late.created_at = *ParseRfc3339("2026-04-01T00:00:00Z");
  keys.push_back(late);
  return keys;
}

const Scopes kK1Add = {"access-management-write", "custom-payment-provider-write",
                       "tenant-management-read", "tenant-management-write"};
const Scopes kK7Add = {"beta-preview",
                       "contract-order-management-read",
                       "document-management-read",
                       "product-management-read",
                       "product-management-write",
                       "tenant-management-read"};
const std::string kOddReason = std::string("unknown role \"") + kOddRole + "\"";

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool HasLine(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// "  <label padded to 40><count right-aligned in 9>", as the text summary prints its rows.
std::string CountRow(const std::string& label, uint64_t count) {
  std::string n = std::to_string(count);
  return "  " + label + std::string(40 - label.size(), ' ') + std::string(9 - n.size(), ' ') + n;
}

// "  <scope padded to 40><add in 7><remove in 9>".
std::string ScopeRow(const std::string& scope, uint64_t add, uint64_t remove) {
  const std::string a = std::to_string(add), r = std::to_string(remove);
  return "  " + scope + std::string(40 - scope.size(), ' ') + std::string(7 - a.size(), ' ') + a +
         std::string(9 - r.size(), ' ') + r;
}

size_t IndexOf(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) - lines.begin();
}

// A strict RFC 4180 parser: CRLF record ends, quoted fields with doubled quotes.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  size_t i = 0;
  bool field_started = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && !field_started && field.empty()) {
      ++i;
      while (true) {
        if (i >= text.size()) throw std::runtime_error("unterminated quoted field");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
      field_started = true;
      if (i < text.size() && text[i] != ',' && text[i] != '\r') {
        throw std::runtime_error("garbage after a quoted field");
      }
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
      field_started = false;
      ++i;
    } else if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') throw std::runtime_error("bare CR");
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
      field_started = false;
      i += 2;
    } else {
      if (c == '\n' || c == '"') throw std::runtime_error("bare LF or quote in an unquoted field");
      field.push_back(c);
      field_started = true;
      ++i;
    }
  }
  if (!field.empty() || !record.empty()) throw std::runtime_error("last record has no CRLF");
  return records;
}

class ReportTest : public ::testing::Test {
 protected:
  PlanParams Params(bool prune = false) const {
    PlanParams params;
    params.cutoff = mapping_->cutoff();
    params.prune = prune;
    return params;
  }

  // Runs the plan over SampleKeys() into one writer and returns what it wrote.
  std::string Plan(ReportFormat format, const ReportOptions& options = {},
                   const PlanParams* params = nullptr, Summary* summary = nullptr) const {
    MemorySource source(SampleKeys());
    std::ostringstream out;
    auto writer = MakeWriter(format, out, options);
    const Summary s =
        RunPlan(source, *mapping_, params ? *params : Params(), {writer.get()}, nullptr);
    if (summary) *summary = s;
    return out.str();
  }

  // The sha256 of the plan of SampleKeys(), as every report shows it.
  std::string PlanSha() const {
    Summary s;
    Plan(ReportFormat::kText, {}, nullptr, &s);
    return s.plan_sha256;
  }

  std::string PlanFixtures(ReportFormat format) const {
    FixtureSource source(testing::SourcePath("samples/fixtures.yaml"));
    std::ostringstream out;
    auto writer = MakeWriter(format, out, ReportOptions{});
    RunPlan(source, *mapping_, Params(), {writer.get()}, nullptr);
    return out.str();
  }

  const Mapping* const mapping_ = &testing::ShippedMapping();
};

// ---- summary -------------------------------------------------------------------------------

TEST_F(ReportTest, SummaryCountsEveryStatus) {
  Summary s;
  Plan(ReportFormat::kText, {}, nullptr, &s);
  EXPECT_EQ(s.keys_read, 8u);
  EXPECT_EQ(s.change, 2u);
  EXPECT_EQ(s.unchanged, 1u);
  EXPECT_EQ(s.drift, 1u);
  EXPECT_EQ(s.blocked, 3u);
  EXPECT_EQ(s.skipped, 1u);
  EXPECT_EQ(s.excluded_post_cutoff, 1u);
  EXPECT_EQ(s.scopes_to_add, 10u);
  EXPECT_EQ(s.scopes_to_remove, 0u);
  EXPECT_EQ(s.by_role,
            (std::map<std::string, uint64_t>{
                {"admin", 1}, {"beta-preview", 2}, {"manage-users", 1}, {"product-manager", 1}}));
  EXPECT_EQ(s.privileged_grants,
            (std::map<std::string, uint64_t>{{"access-management-write", 1},
                                             {"custom-payment-provider-write", 1},
                                             {"tenant-management-write", 1}}));
  EXPECT_EQ(s.by_scope.size(), 9u);
  EXPECT_EQ(s.by_scope.at("tenant-management-read").add, 2u);
  EXPECT_EQ(s.by_scope.at("beta-preview").add, 1u);
  for (const auto& [scope, counts] : s.by_scope) EXPECT_EQ(counts.remove, 0u) << scope;
  EXPECT_EQ(s.Count(Status::kBlocked), 3u);
  EXPECT_EQ(s.Count(Status::kExcluded), 1u);
}

TEST_F(ReportTest, SummaryWithPruneCountsRemovals) {
  Summary s;
  const PlanParams params = Params(/*prune=*/true);
  Plan(ReportFormat::kText, {}, &params, &s);
  EXPECT_EQ(s.change, 3u);  // the drift key now removes report-management-read
  EXPECT_EQ(s.drift, 0u);
  EXPECT_EQ(s.scopes_to_add, 10u);
  EXPECT_EQ(s.scopes_to_remove, 2u);
  EXPECT_EQ(s.by_scope.at("report-management-read").remove, 1u);
  EXPECT_EQ(s.by_scope.at("tax-management-write").remove, 1u);
  EXPECT_EQ(s.by_scope.at("report-management-read").add, 0u);
}

// ---- JSON Lines ----------------------------------------------------------------------------

TEST_F(ReportTest, JsonlHeaderKeysAndSummary) {
  const std::string out = Plan(ReportFormat::kJsonl);
  const auto lines = SplitLines(out);
  ASSERT_EQ(lines.size(), 10u);  // header, 8 keys, summary
  ASSERT_EQ(out.back(), '\n');

  Json header = Json::parse(lines[0]);
  EXPECT_EQ(lines[0].rfind("{\"type\":\"header\",\"format_version\":2,", 0), 0u) << lines[0];
  EXPECT_EQ(header["tool_commit"], ToolCommit());
  ASSERT_EQ(header["mapping"]["roles"].size(), mapping_->roles().size());
  EXPECT_EQ(header["mapping"]["roles"][2], Json({{"name", "auditor"},
                                                 {"read_only", true},
                                                 {"scopes", mapping_->roles()[2].scopes},
                                                 {"aliases", {"Auditor"}}}));
  EXPECT_EQ(header["mapping"]["scopes"].size(), 26u);
  header.erase("tool_commit");
  header.erase("mapping");
  EXPECT_EQ(header, (Json{{"type", "header"},
                          {"format_version", 2},
                          {"tool_version", ToolVersion()},
                          {"mapping_sha256", mapping_->sha256()},
                          {"catalog_sha256", mapping_->catalog().sha256()},
                          {"cutoff", "2026-03-22T23:00:00Z"},
                          {"excluded_post_cutoff", 1},
                          {"prune", false},
                          {"source", "memory"},
                          {"partial", false}}));

  const std::vector<std::string> ids = {"k1-change",  "k2-unchanged", "k3-drift",  "k4-blocked",
                                        "k5-skipped", "k6-missing",   "k7-change", kOddId};
  const std::vector<std::string> statuses = {"change",  "unchanged", "drift",  "blocked",
                                             "skipped", "blocked",   "change", "blocked"};
  for (size_t i = 0; i < ids.size(); ++i) {
    const Json key = Json::parse(lines[i + 1]);
    EXPECT_EQ(lines[i + 1].rfind("{\"type\":\"key\",", 0), 0u);
    EXPECT_EQ(key["id"], ids[i]);
    EXPECT_EQ(key["status"], statuses[i]) << ids[i];
    for (const char* list : {"roles", "current", "add", "extra"}) {
      if (!key.contains(list)) continue;  // empty lists are left out
      const auto values = key[list].get<Scopes>();
      EXPECT_FALSE(values.empty()) << ids[i] << " " << list;
      EXPECT_TRUE(std::is_sorted(values.begin(), values.end())) << ids[i] << " " << list;
    }
    for (const char* derived : {"target", "remove", "fingerprint"}) {
      EXPECT_FALSE(key.contains(derived)) << ids[i] << " " << derived;
    }
  }

  // The first key line, byte for byte.
  EXPECT_EQ(lines[1],
            "{\"type\":\"key\",\"id\":\"k1-change\",\"tenant\":\"acme\",\"name\":\"Key one\","
            "\"status\":\"change\","
            "\"roles\":[\"Admin\"],\"current\":[\"access-management-read\"],"
            "\"add\":[\"access-management-write\",\"custom-payment-provider-write\","
            "\"tenant-management-read\",\"tenant-management-write\"]}");

  const Json drift = Json::parse(lines[3]);
  EXPECT_EQ(drift["extra"], Json({"report-management-read"}));
  EXPECT_FALSE(drift.contains("add"));

  const Json skipped = Json::parse(lines[5]);
  EXPECT_EQ(skipped["reason"], "revoked");
  EXPECT_EQ(skipped["roles"], Json({"Finance Manager"}));

  const Json missing = Json::parse(lines[6]);
  EXPECT_FALSE(missing.contains("tenant"));
  EXPECT_EQ(missing["reason"], "missing created_at");

  const Json changed = Json::parse(lines[7]);
  EXPECT_EQ(changed["roles"], Json({"Beta preview", "Product Manager"}));
  EXPECT_EQ(changed["add"].get<Scopes>(), kK7Add);
  EXPECT_EQ(changed["extra"], Json({"tax-management-write"}));

  // Odd bytes survive JSON escaping.
  const Json odd = Json::parse(lines[8]);
  EXPECT_EQ(odd["id"], kOddId);
  EXPECT_EQ(odd["tenant"], kOddTenant);
  EXPECT_EQ(odd["reason"], kOddReason);
  EXPECT_EQ(odd["roles"], Json({kOddRole}));

  // The summary: exact counts, and sha256 over every byte before its line.
  const std::string before = out.substr(0, out.size() - lines[9].size() - 1);
  const Json summary = Json::parse(lines[9]);
  EXPECT_EQ(lines[9].rfind("{\"type\":\"summary\",", 0), 0u);
  const Json expected = {
      {"type", "summary"},
      {"keys_read", 8},
      {"change", 2},
      {"unchanged", 1},
      {"drift", 1},
      {"blocked", 3},
      {"skipped", 1},
      {"excluded_post_cutoff", 1},
      {"scopes_to_add", 10},
      {"scopes_to_remove", 0},
      {"by_role", {{"admin", 1}, {"beta-preview", 2}, {"manage-users", 1}, {"product-manager", 1}}},
      {"by_scope",
       {{"access-management-write", {{"add", 1}, {"remove", 0}}},
        {"beta-preview", {{"add", 1}, {"remove", 0}}},
        {"contract-order-management-read", {{"add", 1}, {"remove", 0}}},
        {"custom-payment-provider-write", {{"add", 1}, {"remove", 0}}},
        {"document-management-read", {{"add", 1}, {"remove", 0}}},
        {"product-management-read", {{"add", 1}, {"remove", 0}}},
        {"product-management-write", {{"add", 1}, {"remove", 0}}},
        {"tenant-management-read", {{"add", 2}, {"remove", 0}}},
        {"tenant-management-write", {{"add", 1}, {"remove", 0}}}}},
      {"privileged_grants",
       {{"access-management-write", 1},
        {"custom-payment-provider-write", 1},
        {"tenant-management-write", 1}}},
      {"partial", false},
      {"sha256", Sha256Hex(before)}};
  EXPECT_EQ(summary, expected);
}

TEST_F(ReportTest, JsonlPartialRunNamesTheFilter) {
  PlanParams params = Params();
  params.filter.tenants = {"acme"};
  const auto lines = SplitLines(Plan(ReportFormat::kJsonl, {}, &params));
  ASSERT_EQ(lines.size(), 4u);  // header, k1, k2, summary (k9 is acme but excluded)
  const Json header = Json::parse(lines[0]);
  EXPECT_EQ(header["partial"], true);
  EXPECT_EQ(header["filter"], (Json{{"tenant", {"acme"}}, {"key", Json::array()}}));
  EXPECT_EQ(Json::parse(lines[1])["id"], "k1-change");
  EXPECT_EQ(Json::parse(lines[2])["id"], "k2-unchanged");
  const Json summary = Json::parse(lines[3]);
  EXPECT_EQ(summary["keys_read"], 2);
  EXPECT_EQ(summary["excluded_post_cutoff"], 1);
  EXPECT_EQ(summary["partial"], true);
  EXPECT_EQ(summary["filter"], (Json{{"tenant", {"acme"}}, {"key", Json::array()}}));
}

TEST_F(ReportTest, JsonlIsValidJsonForNonUtf8Bytes) {
  MemorySource source({MakeKey("k-latin1", "acme", {"Caf\xe9"})});
  std::ostringstream out;
  auto writer = MakeJsonlWriter(out);
  RunPlan(source, *mapping_, Params(), {writer.get()}, nullptr);
  const auto lines = SplitLines(out.str());
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& line : lines) EXPECT_NO_THROW(Json::parse(line)) << line;
}

// ---- CSV -----------------------------------------------------------------------------------

// A drift key's extras, and a change key's without --prune, get a "keep" row each.
TEST_F(ReportTest, CsvRowsPerScopeChange) {
  const std::string out = Plan(ReportFormat::kCsv);
  EXPECT_EQ(out.rfind("key_id,tenant,status,action,scope,reason,name\r\n", 0), 0u);
  using Row = std::vector<std::string>;
  std::vector<Row> expected = {{"key_id", "tenant", "status", "action", "scope", "reason", "name"}};
  for (const auto& scope : kK1Add)
    expected.push_back({"k1-change", "acme", "change", "add", scope, "", "Key one"});
  expected.push_back({"k2-unchanged", "acme", "unchanged", "", "", "", ""});
  expected.push_back({"k3-drift", "globex", "drift", "keep", "report-management-read", "", ""});
  expected.push_back({"k4-blocked", "globex", "blocked", "", "", "unknown role \"SUPERUSER\"", ""});
  expected.push_back({"k5-skipped", "initech", "skipped", "", "", "revoked", ""});
  expected.push_back({"k6-missing", "", "blocked", "", "", "missing created_at", ""});
  for (const auto& scope : kK7Add)
    expected.push_back({"k7-change", "initech", "change", "add", scope, "", ""});
  expected.push_back({"k7-change", "initech", "change", "keep", "tax-management-write", "", ""});
  expected.push_back({kOddId, kOddTenant, "blocked", "", "", kOddReason, kOddName});
  const auto rows = ParseCsv(out);
  ASSERT_EQ(rows.size(), expected.size() + 1);
  EXPECT_EQ(std::vector<Row>(rows.begin(), rows.end() - 1), expected);
  // The last row carries the plan's checksum.
  EXPECT_EQ(rows.back(), (Row{"", "", "plan", "", "", "sha256 " + PlanSha(), ""}));
}

TEST_F(ReportTest, CsvQuotesCommasQuotesAndNewlines) {
  const std::string out = Plan(ReportFormat::kCsv);
  const std::string odd_row =
      "\"k8,\"\"odd\"\"\nid-\xC3\xA9\",\"t,\"\"\xC3\xBC\"\"\nx\",blocked,,,"
      "\"unknown role \"\"Bad, \"\"role\"\" | x\n\xC3\x84\"\"\",\"Export, \"\"odd\"\"\nname\"\r\n";
  EXPECT_NE(out.find(odd_row), std::string::npos) << out;
  // The last key row, before the checksum row.
  EXPECT_EQ(out.substr(out.rfind(odd_row)), odd_row + ",,plan,,,sha256 " + PlanSha() + ",\r\n");
}

TEST_F(ReportTest, CsvWithPruneHasRemoveRows) {
  const PlanParams params = Params(/*prune=*/true);
  const auto rows = ParseCsv(Plan(ReportFormat::kCsv, {}, &params));
  using Row = std::vector<std::string>;
  EXPECT_NE(
      std::find(rows.begin(), rows.end(),
                Row{"k3-drift", "globex", "change", "remove", "report-management-read", "", ""}),
      rows.end());
  EXPECT_NE(
      std::find(rows.begin(), rows.end(),
                Row{"k7-change", "initech", "change", "remove", "tax-management-write", "", ""}),
      rows.end());
  EXPECT_EQ(rows.size(), 1u + 4 + 1 + 1 + 1 + 1 + 1 + 7 + 1 + 1);
}

// ---- text ----------------------------------------------------------------------------------

TEST_F(ReportTest, TextShowsChangesBlocksAndSummary) {
  const std::string out = Plan(ReportFormat::kText);
  const auto lines = SplitLines(out);
  EXPECT_EQ(lines[0], "scope-migrate plan (dry run: nothing is written)");
  EXPECT_TRUE(HasLine(lines, "  source   memory"));
  EXPECT_TRUE(
      HasLine(lines, "  cutoff   2026-03-22T23:00:00Z (keys created before it are legacy)"));
  EXPECT_TRUE(HasLine(lines, "  mapping  sha256 " + mapping_->sha256()));
  EXPECT_TRUE(HasLine(lines, "  keys     all"));

  const size_t k1 = IndexOf(lines, "change   k1-change  tenant acme  name \"Key one\"");
  ASSERT_LT(k1 + 4, lines.size());
  EXPECT_EQ(lines[k1 + 1], "    + access-management-write");
  EXPECT_EQ(lines[k1 + 2], "    + custom-payment-provider-write");
  EXPECT_EQ(lines[k1 + 3], "    + tenant-management-read");
  EXPECT_EQ(lines[k1 + 4], "    + tenant-management-write");
  const size_t k3 = IndexOf(lines, "drift    k3-drift  tenant globex");
  ASSERT_LT(k3 + 1, lines.size());
  EXPECT_EQ(lines[k3 + 1], "    = report-management-read (not in target, kept)");
  EXPECT_TRUE(HasLine(lines, "blocked  k4-blocked  tenant globex  unknown role \"SUPERUSER\""));
  EXPECT_TRUE(HasLine(lines, "blocked  k6-missing  missing created_at"));
  EXPECT_TRUE(HasLine(lines,
                      "blocked  k8,\"odd\"\\nid-\xC3\xA9  tenant t,\"\xC3\xBC\"\\nx  name "
                      "\"Export, \"odd\"\\nname\"  unknown role \"Bad, \"role\" | x\\n\xC3\x84\""));
  const size_t k7 = IndexOf(lines, "change   k7-change  tenant initech");
  ASSERT_LT(k7 + 7, lines.size());
  for (size_t i = 0; i < kK7Add.size(); ++i) EXPECT_EQ(lines[k7 + 1 + i], "    + " + kK7Add[i]);
  EXPECT_EQ(lines[k7 + 7], "    = tax-management-write (not in target, kept)");
  // Unchanged and skipped keys are only counted.
  EXPECT_EQ(out.find("k2-unchanged"), std::string::npos);
  EXPECT_EQ(out.find("k5-skipped"), std::string::npos);
  EXPECT_EQ(out.find("not shown"), std::string::npos);

  EXPECT_TRUE(HasLine(lines, "Summary"));
  EXPECT_TRUE(HasLine(lines, CountRow("keys read", 8)));
  EXPECT_TRUE(HasLine(lines, CountRow("  change", 2)));
  EXPECT_TRUE(HasLine(lines, CountRow("  blocked", 3)));
  EXPECT_TRUE(HasLine(lines, CountRow("excluded (created at or after cutoff)", 1)));
  EXPECT_TRUE(HasLine(lines, CountRow("scopes to add", 10)));
  EXPECT_TRUE(HasLine(lines, CountRow("beta-preview", 2)));
  EXPECT_TRUE(HasLine(lines, ScopeRow("tenant-management-read", 2, 0)));
  EXPECT_EQ(lines[lines.size() - 3],
            "Privileged scopes granted: access-management-write to 1 key, "
            "custom-payment-provider-write to 1 key, tenant-management-write to 1 key");
  EXPECT_EQ(lines.back(), "plan sha256 " + PlanSha());
}

TEST_F(ReportTest, TextWithPruneShowsRemovals) {
  const PlanParams params = Params(/*prune=*/true);
  const auto lines = SplitLines(Plan(ReportFormat::kText, {}, &params));
  EXPECT_TRUE(HasLine(lines, "  prune    yes: scopes outside the target are removed"));
  const size_t k3 = IndexOf(lines, "change   k3-drift  tenant globex");
  ASSERT_LT(k3 + 1, lines.size());
  EXPECT_EQ(lines[k3 + 1], "    - report-management-read");
  EXPECT_TRUE(HasLine(lines, "    - tax-management-write"));
  for (const auto& line : lines) EXPECT_EQ(line.find("(not in target, kept)"), std::string::npos);
}

TEST_F(ReportTest, TextMaxKeysHidesKeyLinesButNotTheSummary) {
  const std::string full = Plan(ReportFormat::kText);
  const std::string out = Plan(ReportFormat::kText, ReportOptions{1});
  const auto lines = SplitLines(out);
  EXPECT_TRUE(HasLine(lines, "change   k1-change  tenant acme  name \"Key one\""));
  EXPECT_EQ(out.find("k3-drift"), std::string::npos);
  EXPECT_EQ(out.find("k4-blocked"), std::string::npos);
  EXPECT_EQ(out.find("k7-change"), std::string::npos);
  EXPECT_TRUE(HasLine(lines,
                      "... 5 more keys with changes, drift or blocks not shown "
                      "(--max-keys 1; --format jsonl lists all)"));
  // Everything from "Summary" on is identical to the full report.
  const size_t summary_at = out.find("\nSummary\n");
  ASSERT_NE(summary_at, std::string::npos);
  ASSERT_NE(full.find("\nSummary\n"), std::string::npos);
  EXPECT_EQ(out.substr(summary_at), full.substr(full.find("\nSummary\n")));
}

TEST_F(ReportTest, TextPartialRunSaysSo) {
  PlanParams params = Params();
  params.filter.tenants = {"acme"};
  params.filter.ids = {"k1-change"};
  const auto lines = SplitLines(Plan(ReportFormat::kText, {}, &params));
  EXPECT_TRUE(HasLine(lines, "  keys     PARTIAL RUN, only --tenant acme --key k1-change"));
  EXPECT_TRUE(HasLine(lines, "Summary (PARTIAL RUN, only --tenant acme --key k1-change)"));
  EXPECT_TRUE(HasLine(lines, CountRow("keys read", 1)));
}

// Regression: a --cutoff override was invisible in the reviews.
TEST_F(ReportTest, CutoffOverrideIsNamedBesideTheMappingsCutoff) {
  PlanParams params = Params();
  const std::string mapping_cutoff = FormatUtc(mapping_->cutoff());
  params.cutoff = mapping_->cutoff() + 86400;
  const std::string used = FormatUtc(params.cutoff);
  EXPECT_TRUE(HasLine(SplitLines(Plan(ReportFormat::kText, {}, &params)),
                      "  cutoff   " + used +
                          " (keys created before it are legacy); OVERRIDDEN by --cutoff, the "
                          "mapping's cutoff is " +
                          mapping_cutoff));
  EXPECT_TRUE(HasLine(SplitLines(Plan(ReportFormat::kMarkdown, {}, &params)),
                      "| cutoff | `" + used +
                          "` **overridden by `--cutoff`**; the mapping's cutoff is `" +
                          mapping_cutoff + "` |"));
  const std::string jsonl = Plan(ReportFormat::kJsonl, {}, &params);
  EXPECT_NE(jsonl.find("\"cutoff\":\"" + used + "\",\"mapping_cutoff\":\"" + mapping_cutoff + "\""),
            std::string::npos);
  // Without an override neither report nor plan mentions one.
  EXPECT_EQ(Plan(ReportFormat::kText).find("OVERRIDDEN"), std::string::npos);
  EXPECT_EQ(Plan(ReportFormat::kJsonl).find("mapping_cutoff"), std::string::npos);
}

TEST_F(ReportTest, TextWithNothingToDo) {
  MemorySource source({MakeKey("only", "acme", {"Beta preview"}, {"beta-preview"})});
  std::ostringstream out;
  auto writer = MakeTextWriter(out, ReportOptions{});
  RunPlan(source, *mapping_, Params(), {writer.get()}, nullptr);
  const auto lines = SplitLines(out.str());
  EXPECT_TRUE(HasLine(lines, "Privileged scopes granted: none"));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "  (none)"), 1);  // scope changes only
  EXPECT_TRUE(HasLine(lines, CountRow("beta-preview", 1)));          // unchanged keys count by role
  EXPECT_TRUE(HasLine(lines, CountRow("  unchanged", 1)));
}

// ---- Markdown ------------------------------------------------------------------------------

TEST_F(ReportTest, MarkdownSummaryTables) {
  const std::string out = Plan(ReportFormat::kMarkdown);
  const auto lines = SplitLines(out);
  EXPECT_EQ(lines[0], "## scope-migrate plan");
  EXPECT_TRUE(HasLine(lines, "| source | `memory` |"));
  EXPECT_TRUE(HasLine(lines, "| cutoff | `2026-03-22T23:00:00Z` |"));
  EXPECT_TRUE(HasLine(lines, "| change | 2 |"));
  EXPECT_TRUE(HasLine(lines, "| blocked | 3 |"));
  EXPECT_TRUE(HasLine(lines, "| **keys read** | **8** |"));
  EXPECT_TRUE(HasLine(lines, "| excluded (created at or after cutoff) | 1 |"));
  EXPECT_TRUE(HasLine(lines, "Scopes to add: **10**, scopes to remove: **0**."));
  EXPECT_TRUE(HasLine(lines, "| `beta-preview` | 2 |"));
  EXPECT_TRUE(HasLine(lines, "| tenant-management-read | 2 | 0 |"));
  EXPECT_TRUE(HasLine(lines, "| custom-payment-provider-write | 1 |"));
  EXPECT_TRUE(HasLine(lines, "| `k4-blocked` |  | `unknown role \"SUPERUSER\"` |"));
  EXPECT_TRUE(HasLine(lines, "| `k6-missing` |  | `missing created_at` |"));
  // Control characters are written as escapes, as in the text report.
  EXPECT_TRUE(HasLine(lines,
                      "| `k8,\"odd\"\\nid-\xC3\xA9` | `Export, \"odd\"\\nname` | `unknown role "
                      "\"Bad, \"role\" \\| x\\n\xC3\x84\"` |"));
  // The mapping as a role x scope matrix, and the plan's checksum.
  EXPECT_TRUE(HasLine(lines, "### Role × scope matrix (the mapping)"));
  EXPECT_TRUE(HasLine(
      lines, "| access-management | r**w** | r**w** | r |  |  |  |  | r**w** | r**w** |  |"));
  EXPECT_TRUE(
      HasLine(lines, "| tenant-management | r**w** | r**w** | r | r | r | r | r |  |  |  |"));
  EXPECT_EQ(lines.back(), "Plan sha256: `" + PlanSha() + "`");
  // Keys are listed under the privileged scopes they gain, as drift, or as blocked.
  EXPECT_EQ(out.find("k7-change"), std::string::npos);
  EXPECT_EQ(out.find("k2-unchanged"), std::string::npos);
}

TEST_F(ReportTest, MarkdownListsKeysGainingEachPrivilegedScope) {
  const auto lines = SplitLines(Plan(ReportFormat::kMarkdown));
  for (const char* scope :
       {"access-management-write", "custom-payment-provider-write", "tenant-management-write"}) {
    const size_t at = IndexOf(lines, std::string("#### Keys gaining ") + scope);
    ASSERT_LT(at + 4, lines.size()) << scope;
    EXPECT_EQ(lines[at + 2], "| key | name | tenant |");
    EXPECT_EQ(lines[at + 4], "| `k1-change` | `Key one` | `acme` |");
  }
}

TEST_F(ReportTest, MarkdownCapsTheKeysPerPrivilegedScopeAtTwenty) {
  std::vector<KeyRecord> keys;
  for (int i = 10; i < 33; ++i) keys.push_back(MakeKey("k" + std::to_string(i), "t", {"Admin"}));
  MemorySource source(keys);
  std::ostringstream out;
  auto writer = MakeMarkdownWriter(out, ReportOptions{});
  RunPlan(source, *mapping_, Params(), {writer.get()}, nullptr);
  const auto lines = SplitLines(out.str());
  EXPECT_TRUE(HasLine(lines, "| `k29` |  | `t` |"));
  EXPECT_FALSE(HasLine(lines, "| `k30` |  | `t` |"));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "… and 3 more."), 3);
}

TEST_F(ReportTest, MarkdownDriftSectionNamesTheKeptScopes) {
  const auto lines = SplitLines(Plan(ReportFormat::kMarkdown));
  const size_t at = IndexOf(lines, "### Drift (scopes kept outside the target)");
  ASSERT_LT(at + 4, lines.size());
  EXPECT_EQ(lines[at + 2], "| key | name | tenant | kept outside the target |");
  EXPECT_EQ(lines[at + 4], "| `k3-drift` |  | `globex` | `report-management-read` |");
  EXPECT_EQ(lines[at + 5], "");
}

// Regression guard: a scope a drift key keeps comes from the database and is escaped.
TEST_F(ReportTest, MarkdownDriftEscapesKeptScopes) {
  MemorySource source({MakeKey("k1", "acme", {"Beta preview"}, {"beta-preview", "x|y\x1b"})});
  std::ostringstream out;
  auto writer = MakeMarkdownWriter(out, ReportOptions{});
  RunPlan(source, *mapping_, Params(), {writer.get()}, nullptr);
  EXPECT_NE(out.str().find("| `k1` |  | `acme` | `x\\|y\\x1b` |"), std::string::npos) << out.str();
}

// Regression (issue 27, finding 12): a key named `<img src=...> [Approved by CISO](...)`
// was live HTML and a live link in the sign-off. Every value from data is a code span, in
// which Markdown renders nothing: no HTML, link, autolink, emphasis or @mention.
TEST_F(ReportTest, MarkdownRendersNoHtmlOrLinkFromData) {
  const std::string name =
      "<img src=https://evil.example/x.png> [Approved by CISO](https://evil.example)";
  KeyRecord k1 = MakeKey("<b>k1</b>", "*acme* @ciso", {"Admin"});
  k1.name = name;
  MemorySource source({k1, MakeKey("k2", "www.evil.example", {"[x](https://evil.example)"})});
  std::ostringstream out;
  ReportOptions options;
  options.approvals = std::vector<std::string>{"<script>alert(1)</script> at 2026-01-01T00:00:00Z"};
  auto writer = MakeMarkdownWriter(out, options);
  RunPlan(source, *mapping_, Params(), {writer.get()}, nullptr);
  const auto lines = SplitLines(out.str());
  EXPECT_TRUE(HasLine(lines, "| `<b>k1</b>` | `" + name + "` | `*acme* @ciso` |")) << out.str();
  EXPECT_TRUE(HasLine(lines, "| `k2` |  | `unknown role \"[x](https://evil.example)\"` |"))
      << out.str();
  EXPECT_TRUE(
      HasLine(lines, "| approvals | `<script>alert(1)</script> at 2026-01-01T00:00:00Z` |"));
  // Outside code spans nothing of the data appears.
  for (const std::string& line : lines) {
    std::string outside;
    bool in_code = false;
    for (char c : line) {
      if (c == '`')
        in_code = !in_code;
      else if (!in_code)
        outside += c;
    }
    EXPECT_EQ(outside.find('<'), std::string::npos) << line;
    EXPECT_EQ(outside.find("]("), std::string::npos) << line;
    EXPECT_EQ(outside.find("evil"), std::string::npos) << line;
  }
}

TEST_F(ReportTest, MarkdownMaxKeysCapsTheBlockedList) {
  const auto lines = SplitLines(Plan(ReportFormat::kMarkdown, ReportOptions{1}));
  EXPECT_TRUE(HasLine(lines, "| `k4-blocked` |  | `unknown role \"SUPERUSER\"` |"));
  EXPECT_FALSE(HasLine(lines, "| `k6-missing` |  | `missing created_at` |"));
  EXPECT_TRUE(HasLine(lines, "1 of 3 blocked keys shown."));
  EXPECT_TRUE(HasLine(lines, "| blocked | 3 |"));
}

// ---- golden reports over samples/fixtures.yaml ---------------------------------------------

TEST_F(ReportTest, GoldenFixturesPlanText) {
  testing::ExpectGolden("unit-fixtures-plan.txt",
                        testing::NormalizeReport(PlanFixtures(ReportFormat::kText)));
}

TEST_F(ReportTest, GoldenFixturesPlanJsonl) {
  testing::ExpectGolden("unit-fixtures-plan.jsonl",
                        testing::NormalizeReport(PlanFixtures(ReportFormat::kJsonl)));
}

TEST_F(ReportTest, GoldenFixturesPlanCsv) {
  testing::ExpectGolden("unit-fixtures-plan.csv",
                        testing::NormalizeReport(PlanFixtures(ReportFormat::kCsv)));
}

TEST_F(ReportTest, GoldenFixturesPlanMarkdown) {
  testing::ExpectGolden("unit-fixtures-plan.md",
                        testing::NormalizeReport(PlanFixtures(ReportFormat::kMarkdown)));
}

TEST_F(ReportTest, FixturesPlanJsonlChecksumIsOverTheBytesBeforeTheSummary) {
  const std::string out = PlanFixtures(ReportFormat::kJsonl);
  const auto lines = SplitLines(out);
  ASSERT_EQ(lines.size(), 45u);  // header, 43 legacy keys, summary
  const std::string before = out.substr(0, out.size() - lines.back().size() - 1);
  EXPECT_EQ(Json::parse(lines.back())["sha256"], Sha256Hex(before));
}

}  // namespace
}  // namespace scope_migrate

namespace scope_migrate {
namespace {

// Regression: control characters other than \n, \r, \t reached the terminal as they were.
TEST_F(ReportTest, TextEscapesControlCharactersInKeysAndReasons) {
  MemorySource source({MakeKey("k\x1b[2Jx", "acme", {"Evil\x1b[31m"})});
  std::ostringstream out;
  auto writer = MakeTextWriter(out, ReportOptions{});
  RunPlan(source, *mapping_, Params(), {writer.get()}, nullptr);
  EXPECT_EQ(out.str().find('\x1b'), std::string::npos);
  EXPECT_NE(out.str().find("blocked  k\\x1b[2Jx  tenant acme  unknown role \"Evil\\x1b[31m\""),
            std::string::npos)
      << out.str();
}

// Regression: a backtick in a key id ended the Markdown code span around it.
TEST_F(ReportTest, MarkdownKeepsBackticksOutOfCodeSpans) {
  MemorySource source({MakeKey("k`1", "acme", {"Nobody"})});
  std::ostringstream out;
  auto writer = MakeMarkdownWriter(out, ReportOptions{});
  RunPlan(source, *mapping_, Params(), {writer.get()}, nullptr);
  EXPECT_NE(out.str().find("| `k'1` |  | `unknown role \"Nobody\"` |"), std::string::npos)
      << out.str();
}

// Regression: the Markdown report let escape sequences through to whoever renders it.
TEST_F(ReportTest, MarkdownEscapesControlCharacters) {
  MemorySource source({MakeKey("k\x1b[2Jx", "acme", {"Evil\x1b[31m"})});
  std::ostringstream out;
  auto writer = MakeMarkdownWriter(out, ReportOptions{});
  RunPlan(source, *mapping_, Params(), {writer.get()}, nullptr);
  EXPECT_EQ(out.str().find('\x1b'), std::string::npos);
  EXPECT_NE(out.str().find("| `k\\x1b[2Jx` |  | `unknown role \"Evil\\x1b[31m\"` |"),
            std::string::npos)
      << out.str();
}

// SPEC 12.2: the text, Markdown and CSV reports list the overrides a plan applies (the
// file's record, each key's add, remove and reason), and mark the scopes they change.
TEST_F(ReportTest, EveryReportListsTheOverrides) {
  const std::string dir = testing::MakeTempDir();
  const std::string path = dir + "/overrides.yaml";
  testing::WriteFile(path,
                     "version: 1\noverrides:\n  - key: k1-change\n"
                     "    add: [report-management-read]\n    remove: [tenant-management-write]\n"
                     "    reason: \"OPS-1, \\\"quoted\\\"\"\n"
                     "  - key: k7-change\n    remove: [tax-management-write]\n"
                     "    reason: OPS-2\n");
  const Overrides overrides = Overrides::Load(path, mapping_->catalog());
  PlanParams params = Params();
  params.overrides = &overrides;
  const std::string text = Plan(ReportFormat::kText, {}, &params);
  const std::string markdown = Plan(ReportFormat::kMarkdown, {}, &params);
  const std::string csv = Plan(ReportFormat::kCsv, {}, &params);
  std::system(("rm -rf " + dir).c_str());
  const std::string record = path + " (sha256 " + overrides.sha256() + "): 2 applied, 0 ignored";

  const std::vector<std::string> lines = SplitLines(text);
  for (const std::string& line :
       {"  overrides " + record + " (keys outside the filter)",
        std::string("    + report-management-read (override)"),
        std::string("    override: OPS-1, \"quoted\""),
        std::string("    - tax-management-write (override)"), std::string("    override: OPS-2"),
        "Overrides: " + record + " (keys outside the filter)",
        std::string("  k1-change                              change    +report-management-read "
                    "-tenant-management-write"),
        std::string("    reason: OPS-1, \"quoted\""),
        std::string("  k7-change                              change    -tax-management-write")}) {
    EXPECT_TRUE(HasLine(lines, line)) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("+ tenant-management-write"), std::string::npos);

  EXPECT_NE(markdown.find("### Overrides\n\n| key | tenant | status | add | remove | reason |\n"
                          "|---|---|---|---|---|---|\n| `k1-change` | `acme` | change | "
                          "report-management-read | tenant-management-write | `OPS-1, \"quoted\"` |\n"
                          "| `k7-change` | `initech` | change |  | tax-management-write | `OPS-2` |\n"),
            std::string::npos)
      << markdown;

  std::vector<std::vector<std::string>> overridden;
  for (const auto& row : ParseCsv(csv)) {
    if (row.size() > 3 && row[3].rfind("override-", 0) == 0) overridden.push_back(row);
  }
  EXPECT_EQ(overridden,
            (std::vector<std::vector<std::string>>{
                {"k1-change", "acme", "change", "override-add", "report-management-read",
                 "OPS-1, \"quoted\"", "Key one"},
                {"k1-change", "acme", "change", "override-remove", "tenant-management-write",
                 "OPS-1, \"quoted\"", "Key one"},
                {"k7-change", "initech", "change", "override-remove", "tax-management-write",
                 "OPS-2", ""}}));
}

}  // namespace
}  // namespace scope_migrate
