#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/sha256.h"
#include "base/version.h"
#include "core/fixture_source.h"
#include "core/mapping.h"
#include "plan/plan_reader.h"
#include "plan/planner.h"
#include "plan/report.h"
#include "support/shipped_mapping.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

class PlanFileTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    path_ = Dir() + "/plan.jsonl";
    FixtureSource source(testing::SourcePath("samples/fixtures.yaml"));
    PlanParams params;
    params.cutoff = mapping_->cutoff();
    {
      std::ofstream out(path_, std::ios::binary);
      auto writer = MakeJsonlWriter(out);
      summary_ = RunPlan(source, *mapping_, params, {writer.get()}, nullptr);
    }
    content_ = testing::ReadFile(path_);
    lines_ = SplitLines(content_);
  }

  // Writes `content` as a second plan file and expects Open to refuse it with exactly
  // "path:line:1: message".
  void ExpectRefused(const std::string& content, int line, const std::string& message,
                     const KeyFilter& filter = {}, int column = 1) {
    const std::string path = Dir() + "/edited.jsonl";
    testing::WriteFile(path, content);
    try {
      PlanFile::Open(path, filter);
      ADD_FAILURE() << "PlanFile::Open accepted the edited plan";
    } catch (const ToolError& e) {
      EXPECT_EQ(e.exit_code(), 65);
      EXPECT_EQ(std::string(e.what()), path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message);
    }
  }

  std::string ExpectedDigestOf(const std::vector<std::string>& lines_before_summary) const {
    return Sha256Hex(JoinLines(lines_before_summary));
  }

  const Mapping* const mapping_ = &testing::ShippedMapping();
  std::string path_;
  std::string content_;
  std::vector<std::string> lines_;
  Summary summary_;
};

TEST_F(PlanFileTest, OpensAPlanWrittenByThePlanner) {
  ASSERT_EQ(lines_.size(), 45u);  // header, 43 legacy keys, summary
  const PlanFile plan = PlanFile::Open(path_, KeyFilter{});
  EXPECT_EQ(plan.path(), path_);
  EXPECT_EQ(plan.counts().keys, 43u);
  EXPECT_EQ(plan.counts().change, 27u);
  EXPECT_EQ(plan.counts().blocked, 9u);
  EXPECT_EQ(plan.counts().keys, summary_.keys_read);
  EXPECT_EQ(plan.counts().change, summary_.change);
  EXPECT_EQ(plan.counts().blocked, summary_.blocked);
  EXPECT_EQ(plan.sha256(), ExpectedDigestOf({lines_.begin(), lines_.end() - 1}));
  EXPECT_EQ(plan.header().tool_version, ToolVersion());
  EXPECT_EQ(plan.header().mapping_sha256, mapping_->sha256());
  EXPECT_EQ(plan.header().catalog_sha256, mapping_->catalog().sha256());
  EXPECT_EQ(plan.header().cutoff, mapping_->cutoff());
  EXPECT_FALSE(plan.header().prune);
  EXPECT_EQ(plan.header().source, "fixtures:" + testing::SourcePath("samples/fixtures.yaml"));
}

TEST_F(PlanFileTest, ForEachKeyVisitsEveryKeyInIdOrder) {
  const PlanFile plan = PlanFile::Open(path_, KeyFilter{});
  std::vector<PlanKeyLine> keys;
  plan.ForEachKey([&](const PlanKeyLine& key) { keys.push_back(key); });
  ASSERT_EQ(keys.size(), 43u);
  for (size_t i = 1; i < keys.size(); ++i) EXPECT_LT(keys[i - 1].id, keys[i].id);
  const PlanKeyLine& first = keys[0];
  EXPECT_EQ(first.line, 2);
  EXPECT_EQ(first.id, "00000000-0000-4000-9000-000000000001");
  EXPECT_EQ(first.tenant, std::optional<std::string>("acme"));
  EXPECT_EQ(first.status, Status::kChange);
  EXPECT_EQ(first.reason, "");
  EXPECT_EQ(first.roles, std::vector<std::string>{"Finance Manager"});
  EXPECT_EQ(first.current, std::vector<std::string>{});
  EXPECT_EQ(first.add.size(), 15u);
  EXPECT_EQ(first.target, first.add);
  EXPECT_EQ(first.remove, std::vector<std::string>{});
  EXPECT_EQ(first.extra, std::vector<std::string>{});
  const PlanKeyLine& blocked = keys[34];  // ...0035
  EXPECT_EQ(blocked.id, "00000000-0000-4000-9000-000000000035");
  EXPECT_EQ(blocked.status, Status::kBlocked);
  EXPECT_EQ(blocked.reason, "unknown role \"SUPERUSER\"");
  EXPECT_EQ(blocked.line, 36);
}

TEST_F(PlanFileTest, FlippedByteInAKeyLineIsRefused) {
  std::vector<std::string> lines = lines_;
  const size_t at = lines[10].find("\"tenant\":\"") + 10;
  ASSERT_NE(at, std::string::npos + 10);
  lines[10][at] ^= 0x01;  // "acme" -> "`cme" etc.: still valid JSON
  ExpectRefused(JoinLines(lines), 45,
                "the summary's sha256 does not match the file's content: the plan file was edited "
                "or damaged (expected " +
                    ExpectedDigestOf({lines.begin(), lines.end() - 1}) + ")");
}

TEST_F(PlanFileTest, FlippedByteInTheHeaderIsRefused) {
  std::vector<std::string> lines = lines_;
  const size_t at = lines[0].find("\"source\":\"fixtures:") + 10;
  lines[0][at] = 'F';
  ExpectRefused(JoinLines(lines), 45,
                "the summary's sha256 does not match the file's content: the plan file was edited "
                "or damaged (expected " +
                    ExpectedDigestOf({lines.begin(), lines.end() - 1}) + ")");
}

TEST_F(PlanFileTest, EditedSummaryChecksumIsRefused) {
  std::vector<std::string> lines = lines_;
  const size_t at = lines.back().find("\"sha256\":\"") + 10;
  lines.back()[at] = lines.back()[at] == '0' ? '1' : '0';
  ExpectRefused(JoinLines(lines), 45,
                "the summary's sha256 does not match the file's content: the plan file was edited "
                "or damaged (expected " +
                    ExpectedDigestOf({lines.begin(), lines.end() - 1}) + ")");
}

TEST_F(PlanFileTest, RemovedKeyLineIsRefused) {
  std::vector<std::string> lines = lines_;
  lines.erase(lines.begin() + 5);
  ExpectRefused(JoinLines(lines), 44,
                "the summary's sha256 does not match the file's content: the plan file was edited "
                "or damaged (expected " +
                    ExpectedDigestOf({lines.begin(), lines.end() - 1}) + ")");
}

TEST_F(PlanFileTest, MissingSummaryLineIsTruncated) {
  std::vector<std::string> lines = lines_;
  lines.pop_back();
  ExpectRefused(JoinLines(lines), 44, "no summary line: the file is truncated");
}

TEST_F(PlanFileTest, CutInTheMiddleOfAKeyLineIsTruncated) {
  const size_t line_start =
      content_.find("\n{\"type\":\"key\",\"id\":\"00000000-0000-4000-9000-000000000010\"");
  ASSERT_NE(line_start, std::string::npos);
  ExpectRefused(content_.substr(0, line_start + 1 + 40), 11,
                "the last line is not complete: the file is truncated");
}

TEST_F(PlanFileTest, CutInTheMiddleOfTheSummaryIsTruncated) {
  ExpectRefused(content_.substr(0, content_.size() - 20), 45,
                "the last line is not complete: the file is truncated");
}

TEST_F(PlanFileTest, SummaryWithoutItsNewlineIsTruncated) {
  ExpectRefused(content_.substr(0, content_.size() - 1), 45,
                "the last line is not complete: the file is truncated");
}

TEST_F(PlanFileTest, LineAfterTheSummaryIsRefused) {
  std::vector<std::string> lines = lines_;
  lines.push_back(lines[1]);
  ExpectRefused(JoinLines(lines), 46, "a line follows the summary: the file was edited");
}

TEST_F(PlanFileTest, EmptyLineAfterTheSummaryIsRefused) {
  ExpectRefused(content_ + "\n", 46, "a line follows the summary: the file was edited");
}

TEST_F(PlanFileTest, UnknownFormatVersionIsRefused) {
  std::vector<std::string> lines = lines_;
  const std::string from = "\"format_version\":2,";
  const size_t at = lines[0].find(from);
  ASSERT_NE(at, std::string::npos);
  lines[0].replace(at, from.size(), "\"format_version\":4,");
  ExpectRefused(JoinLines(lines), 1,
                "plan format_version 4 is not supported by this version (it reads versions 1 "
                "to 3)");
}

TEST_F(PlanFileTest, HeaderWithoutFormatVersionIsRefused) {
  std::vector<std::string> lines = lines_;
  const std::string from = "\"format_version\":2,";
  lines[0].replace(lines[0].find(from), from.size(), "");
  ExpectRefused(JoinLines(lines), 1, "the header has no format_version");
}

TEST_F(PlanFileTest, FirstLineNotAHeaderIsRefused) {
  std::vector<std::string> lines = lines_;
  lines.erase(lines.begin());
  ExpectRefused(JoinLines(lines), 1, "the first line is not the plan header");
}

// Regression: a file that is not a plan (a mapping, a Markdown report) got the JSON
// library's message.
TEST_F(PlanFileTest, AFileThatIsNotAPlanIsRefusedInOurWords) {
  const std::string message =
      "not a scope-migrate plan file: its first line is not a plan header (plan files are the "
      "JSON Lines written by `scope-migrate plan --out FILE`)";
  ExpectRefused("# a mapping\ncatalog: catalog.yaml\n", 1, message);
  ExpectRefused("[1, 2]\n", 1, message);
  std::vector<std::string> lines = lines_;
  lines[1] = "{\"type\":\"key\",";
  ExpectRefused(JoinLines(lines), 2, "not valid JSON (at byte 15)");
}

TEST_F(PlanFileTest, EmptyFileIsRefused) {
  const std::string path = Dir() + "/empty.jsonl";
  testing::WriteFile(path, "");
  try {
    PlanFile::Open(path, KeyFilter{});
    ADD_FAILURE() << "opened an empty plan";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), path + ": the plan file is empty");
  }
}

TEST_F(PlanFileTest, MissingFileIsRefused) {
  const std::string path = Dir() + "/none.jsonl";
  try {
    PlanFile::Open(path, KeyFilter{});
    ADD_FAILURE() << "opened a missing plan";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), path + ": cannot read the plan file");
  }
}

TEST_F(PlanFileTest, TenantFilterCountsOnlyThatTenant) {
  KeyFilter filter;
  filter.tenants = {"acme"};
  const PlanFile plan = PlanFile::Open(path_, filter);
  EXPECT_EQ(plan.counts().keys, 18u);
  EXPECT_EQ(plan.counts().change, 11u);
  EXPECT_EQ(plan.counts().blocked, 4u);
  std::vector<std::string> ids;
  plan.ForEachKey([&](const PlanKeyLine& key) {
    EXPECT_EQ(key.tenant, std::optional<std::string>("acme")) << key.id;
    ids.push_back(key.id.substr(34));
  });
  EXPECT_EQ(ids, (std::vector<std::string>{"01", "04", "07", "10", "12", "16", "17", "20", "23",
                                           "24", "26", "28", "31", "34", "35", "38", "41", "43"}));
}

TEST_F(PlanFileTest, KeyFilterCountsOnlyThoseKeys) {
  KeyFilter filter;
  filter.ids = {"00000000-0000-4000-9000-000000000024", "00000000-0000-4000-9000-000000000035",
                "no-such-key"};
  const PlanFile plan = PlanFile::Open(path_, filter);
  EXPECT_EQ(plan.counts().keys, 2u);
  EXPECT_EQ(plan.counts().change, 0u);
  EXPECT_EQ(plan.counts().blocked, 1u);
  std::vector<Status> statuses;
  plan.ForEachKey([&](const PlanKeyLine& key) { statuses.push_back(key.status); });
  EXPECT_EQ(statuses, (std::vector<Status>{Status::kUnchanged, Status::kBlocked}));
}

// A file re-signed after an edit passes the checksum; its lists must still fit together.
std::string Resigned(const std::vector<std::string>& lines) {
  std::vector<std::string> body(lines.begin(), lines.end() - 1);
  std::string summary = lines.back();
  summary.replace(summary.find("\"sha256\":\"") + 10, 64, Sha256Hex(JoinLines(body)));
  body.push_back(summary);
  return JoinLines(body);
}

TEST_F(PlanFileTest, ResignedKeyThatAddsAScopeItHasIsRefused) {
  std::vector<std::string> lines = lines_;
  const std::string from = "\"status\":\"change\",";
  lines[1].replace(lines[1].find(from), from.size(),
                   from + "\"current\":[\"accounting-clearing-read\"],");
  ExpectRefused(Resigned(lines), 2,
                "key 00000000-0000-4000-9000-000000000001 adds \"accounting-clearing-read\", "
                "which it has");
}

TEST_F(PlanFileTest, ResignedUnsortedListIsRefused) {
  std::vector<std::string> lines = lines_;
  const std::string from = "\"add\":[\"accounting-clearing-read\",";
  lines[1].replace(lines[1].find(from), from.size(),
                   "\"add\":[\"zzz\",\"accounting-clearing-read\",");
  ExpectRefused(Resigned(lines), 2, "\"add\" must be sorted and unique");
}

TEST_F(PlanFileTest, ResignedChangeWithNothingToChangeIsRefused) {
  std::vector<std::string> lines = lines_;
  const size_t at = lines[1].find(",\"add\":[");
  lines[1] = lines[1].substr(0, at) + "}";
  ExpectRefused(Resigned(lines), 2,
                "key 00000000-0000-4000-9000-000000000001 is a change with nothing to add or "
                "remove");
}

// Version 2 writes no derived list (target, remove) and no fingerprint, and leaves out
// empty lists and absent fields.
TEST_F(PlanFileTest, KeyLinesCarryNothingDerived) {
  EXPECT_EQ(
      lines_[1].substr(0, 159),
      "{\"type\":\"key\",\"id\":\"00000000-0000-4000-9000-000000000001\",\"tenant\":\"acme\","
      "\"name\":\"Nightly invoice export\",\"status\":\"change\",\"roles\":[\"Finance Manager\"],"
      "\"add\":[");
  for (size_t i = 1; i + 1 < lines_.size(); ++i) {
    for (const char* field :
         {"\"target\"", "\"remove\"", "\"fingerprint\"", "[]", "\"reason\":\"\""}) {
      EXPECT_EQ(lines_[i].find(field), std::string::npos) << field << " in " << lines_[i];
    }
  }
}

// Plans written by version 1 of the format (0.1.x) carry no mapping to check their key
// lines against (plan_check.h): they are refused with the way out.
TEST_F(PlanFileTest, VersionOnePlanIsRefusedForWantOfAMapping) {
  const std::vector<std::string> v1 = {
      "{\"type\":\"header\",\"format_version\":1,\"tool_version\":\"0.1.0\",\"mapping_sha256\":"
      "\"m\",\"catalog_sha256\":\"c\",\"cutoff\":\"2026-03-22T23:00:00Z\",\"prune\":true,"
      "\"source\":\"postgresql://h:1/d\",\"partial\":false}",
      "{\"type\":\"key\",\"id\":\"k1\",\"tenant\":null,\"status\":\"change\",\"reason\":\"\","
      "\"roles\":[\"Beta preview\"],\"current\":[\"tax-management-read\"],\"target\":["
      "\"beta-preview\"],\"add\":[\"beta-preview\"],\"remove\":[\"tax-management-read\"],"
      "\"extra\":[\"tax-management-read\"],\"fingerprint\":\"x\"}",
      "{\"type\":\"summary\",\"keys_read\":1,\"change\":1,\"unchanged\":0,\"drift\":0,"
      "\"blocked\":0,\"skipped\":0,\"excluded_post_cutoff\":0,\"scopes_to_add\":1,"
      "\"scopes_to_remove\":1,\"by_role\":{\"beta-preview\":1},\"by_scope\":{},"
      "\"privileged_grants\":{},\"sha256\":\"" +
          std::string(64, '0') + "\"}"};
  ExpectRefused(Resigned(v1), 1,
                "the header carries no mapping to check the key lines against: make the plan again "
                "with this version");
}

// A role that is not UTF-8 can no longer reach a plan: the fixtures file holding it is
// refused at load with its position (a plan with such a key used to fail inside the JSON
// writer or reader).
TEST_F(PlanFileTest, TextThatIsNotUtf8NeverReachesAPlan) {
  const std::string fixtures = Dir() + "/latin1.yaml";
  testing::WriteFile(fixtures,
                     "keys:\n"
                     "  - id: k1\n"
                     "    created_at: 2025-01-01T00:00:00Z\n"
                     "    roles: [\"Beta preview\"]\n"
                     "  - id: k2\n"
                     "    created_at: 2025-01-01T00:00:00Z\n"
                     "    roles: [\"Caf\xe9\"]\n");
  testing::ExpectInputError([&] { FixtureSource source(fixtures); }, fixtures, 7, 17,
                            "byte 0xE9 is not valid UTF-8; the file must be UTF-8");
}

// The lines of `lines_` that hold `needle`: its index.
size_t IndexOf(const std::vector<std::string>& lines, const std::string& needle) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(needle) != std::string::npos) return i;
  }
  ADD_FAILURE() << needle << " is in no line";
  return 0;
}

// Regression (issue 27, finding 14): the summary is outside the checksum and
// excluded_post_cutoff cannot be counted from the key lines, so an edited count was shown by
// `show` with the sha256 unchanged. The header (inside the checksum) carries it too.
TEST_F(PlanFileTest, SummaryExcludedCountThatDiffersFromTheHeaderIsRefused) {
  ASSERT_NE(lines_[0].find(
                "\"excluded_post_cutoff\":" + std::to_string(summary_.excluded_post_cutoff) + ","),
            std::string::npos)
      << lines_[0];
  std::vector<std::string> lines = lines_;
  const std::string from =
      "\"excluded_post_cutoff\":" + std::to_string(summary_.excluded_post_cutoff) + ",";
  lines.back().replace(lines.back().find(from), from.size(), "\"excluded_post_cutoff\":99,");
  ExpectRefused(JoinLines(lines), static_cast<int>(lines.size()),
                "the summary's excluded_post_cutoff is 99, the header gives " +
                    std::to_string(summary_.excluded_post_cutoff) + ": the plan file was edited");
}

// SPEC 12.3: nesting in JSON inputs is capped (65, never a crash): a header, key or summary
// line nested 100,000 deep is refused at its line before it is parsed.
TEST_F(PlanFileTest, JsonNestedDeeperThanTheCapIsRefusedAtItsLine) {
  const std::string deep = "\"x\":" + std::string(100000, '[') + std::string(100000, ']') + ",";
  // Column 69: the '[' opening the 65th level (the '{' at column 1 is the first level, the
  // '['s from column 6 on the second and deeper).
  const std::string message = "arrays and objects nested deeper than 64 levels: not a plan line";
  for (const size_t line : {size_t{0}, size_t{1}, lines_.size() - 1}) {
    std::vector<std::string> lines = lines_;
    lines[line].insert(1, deep);
    ExpectRefused(JoinLines(lines), static_cast<int>(line) + 1, message, {}, 69);
  }
}

// Regression (SPEC 11.4): the summary is outside the hash, so an edited summary kept the
// same sha256 and `show` printed its forged counts.
TEST_F(PlanFileTest, SummaryThatDiffersFromTheKeyLinesIsRefused) {
  std::vector<std::string> lines = lines_;
  const std::string from = "\"blocked\":9,";
  lines.back().replace(lines.back().find(from), from.size(), "\"blocked\":0,");
  ExpectRefused(JoinLines(lines), 45,
                "the summary's blocked is 0, the key lines give 9: the plan file was edited");
  lines = lines_;
  const size_t at = lines.back().find("\"privileged_grants\":{");
  const size_t end = lines.back().find('}', at);
  lines.back().replace(at, end - at + 1, "\"privileged_grants\":{}");
  ExpectRefused(JoinLines(lines), 45,
                "the summary's privileged_grants differs from the key lines: the plan file was "
                "edited");
}

// Regression (SPEC 11.4): a plan edited and re-hashed was applied as written, an Auditor
// (read-only) key given access-management-write and a scope outside the catalog.
TEST_F(PlanFileTest, ResignedKeyLineThatDoesNotFollowFromTheMappingIsRefused) {
  const size_t i = IndexOf(lines_, "\"roles\":[\"Auditor\"]");
  nlohmann::ordered_json key = nlohmann::ordered_json::parse(lines_[i]);
  const std::string id = key["id"];
  const std::string given = key.dump();
  for (const char* scope : {"access-management-write", "root-everything"}) {
    std::vector<std::string> lines = lines_;
    std::vector<std::string> add = key.value("add", std::vector<std::string>{});
    add.push_back(scope);
    std::sort(add.begin(), add.end());
    nlohmann::ordered_json edited = key;
    edited["add"] = add;
    edited["status"] = "change";
    lines[i] = edited.dump();
    std::string mapping_add;
    for (const auto& s : key.value("add", std::vector<std::string>{})) {
      mapping_add += (mapping_add.empty() ? "" : ", ") + s;
    }
    std::string written_add;
    for (const auto& s : add) written_add += (written_add.empty() ? "" : ", ") + s;
    ExpectRefused(Resigned(lines), static_cast<int>(i) + 1,
                  "key " + id + ": \"add\" is [" + written_add + "], the mapping gives [" +
                      mapping_add + "]: the key line does not follow from the header's mapping");
  }
}

TEST_F(PlanFileTest, ResignedStatusThatDoesNotFollowFromTheMappingIsRefused) {
  std::vector<std::string> lines = lines_;
  const size_t i = IndexOf(lines, "\"status\":\"unchanged\"");
  const std::string id = nlohmann::json::parse(lines[i])["id"];
  lines[i].replace(lines[i].find("\"unchanged\""), 11, "\"drift\"");
  ExpectRefused(Resigned(lines), static_cast<int>(i) + 1,
                "key " + id +
                    ": the status is \"drift\", the mapping gives \"unchanged\": the key line "
                    "does not follow from the header's mapping");
}

// The header's mapping must pass lint's rules: a read-only role reaching a write scope.
TEST_F(PlanFileTest, ResignedHeaderMappingThatBreaksLintIsRefused) {
  std::vector<std::string> lines = lines_;
  nlohmann::ordered_json header = nlohmann::ordered_json::parse(lines[0]);
  for (auto& role : header["mapping"]["roles"]) {
    if (role["name"] == "auditor") role["scopes"].push_back("zz-root-everything");
  }
  lines[0] = header.dump();
  ExpectRefused(Resigned(lines), 1,
                "the header's mapping: role \"auditor\" has scope \"zz-root-everything\", which "
                "is not in the catalog");
  header = nlohmann::ordered_json::parse(lines_[0]);
  for (auto& role : header["mapping"]["roles"]) {
    if (role["name"] == "auditor") {
      std::vector<std::string> scopes = role["scopes"];
      scopes.push_back("access-management-write");
      std::sort(scopes.begin(), scopes.end());
      role["scopes"] = scopes;
    }
  }
  lines[0] = header.dump();
  ExpectRefused(Resigned(lines), 1,
                "the header's mapping: read-only role \"auditor\" reaches the write or "
                "privileged scope \"access-management-write\"");
}

TEST_F(PlanFileTest, ResignedRepeatedKeyIsRefused) {
  std::vector<std::string> lines = lines_;
  lines[2] = lines[1];
  ExpectRefused(Resigned(lines), 3, "the key id of line 2 is repeated: a plan lists each key once");
}

// Regression (SPEC 11.4): key lines swapped and re-signed were applied in the order given.
TEST_F(PlanFileTest, ResignedKeyLinesOutOfIdOrderAreRefused) {
  std::vector<std::string> lines = lines_;
  std::swap(lines[1], lines[2]);
  ExpectRefused(Resigned(lines), 3,
                "key 00000000-0000-4000-9000-000000000001 is out of order: it follows key "
                "00000000-0000-4000-9000-000000000002 (line 2), and a plan lists its keys in "
                "increasing id order");
}

// Integer ids come in numeric order (ORDER BY a bigint): 7, 14, ..., 301 is in order, and
// so is a negative id before them; an id that is not an integer after "14" ("13a", before it in
// byte order) is not.
TEST_F(PlanFileTest, IntegerIdsInNumericOrderAreAccepted) {
  std::vector<std::string> lines = lines_;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    nlohmann::ordered_json key = nlohmann::ordered_json::parse(lines[i]);
    key["id"] = i == 1 ? "-12" : std::to_string(i * 7);
    lines[i] = key.dump();
  }
  const std::string path = Dir() + "/integers.jsonl";
  testing::WriteFile(path, Resigned(lines));
  EXPECT_EQ(PlanFile::Open(path, KeyFilter{}).counts().keys, 43u);
  nlohmann::ordered_json key = nlohmann::ordered_json::parse(lines[3]);
  key["id"] = "13a";
  lines[3] = key.dump();
  ExpectRefused(Resigned(lines), 4,
                "key 13a is out of order: it follows key 14 (line 3), and a plan lists its keys "
                "in increasing id order");
}

// A damaged file is reported as damaged even when its content would also be refused.
TEST_F(PlanFileTest, ChecksumIsReportedBeforeTheRecomputation) {
  std::vector<std::string> lines = lines_;
  lines[2] = lines[1];
  const std::string digest = ExpectedDigestOf({lines.begin(), lines.end() - 1});
  ExpectRefused(JoinLines(lines), 45,
                "the summary's sha256 does not match the file's content: the plan file was "
                "edited or damaged (expected " +
                    digest + ")");
}

}  // namespace
}  // namespace scope_migrate

namespace scope_migrate {
namespace {

// Regression: apply verified the file, then re-read it by path, so a file swapped in
// between was applied unverified.
TEST_F(PlanFileTest, KeysComeFromTheVerifiedBytesEvenIfTheFileIsReplaced) {
  const PlanFile plan = PlanFile::Open(path_, KeyFilter{});
  std::vector<std::string> expected;
  for (size_t i = 1; i + 1 < lines_.size(); ++i) {
    expected.push_back(nlohmann::json::parse(lines_[i])["id"].get<std::string>());
  }
  testing::WriteFile(path_, "{\"type\":\"header\"}\n");  // replaced after verification
  std::vector<std::string> seen;
  plan.ForEachKey([&](const PlanKeyLine& key) { seen.push_back(key.id); });
  EXPECT_EQ(seen, expected);
}

// Regression: format_version was read as int, so 4294967297 wrapped around to 1.
TEST_F(PlanFileTest, HugeFormatVersionIsRefused) {
  std::vector<std::string> lines = lines_;
  const std::string from = "\"format_version\":2";
  lines[0].replace(lines[0].find(from), from.size(), "\"format_version\":4294967297");
  std::vector<std::string> body(lines.begin(), lines.end() - 1);
  std::string summary = lines.back();
  summary.replace(summary.find("\"sha256\":\"") + 10, 64, Sha256Hex(JoinLines(body)));
  body.push_back(summary);
  const std::string path = Dir() + "/version.jsonl";
  testing::WriteFile(path, JoinLines(body));
  try {
    PlanFile::Open(path, KeyFilter{});
    ADD_FAILURE() << "a plan with format_version 4294967297 was accepted";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_NE(std::string(e.what()).find("format_version 4294967297 is not supported"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(PlanFileTest, HeaderFilterOfAPartialPlanIsRead) {
  EXPECT_EQ(PlanFile::Open(path_, KeyFilter{}).header().filter.Describe(), "");
}

}  // namespace
}  // namespace scope_migrate
