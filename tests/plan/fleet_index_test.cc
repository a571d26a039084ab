// DIR/index.json of a fleet plan (no database): what Write makes Read takes back whole,
// and an edited index is refused, above all one whose plan would lie outside DIR.
#include "plan/fleet_index.h"

#include <gtest/gtest.h>

#include "base/errors.h"
#include "base/json_text.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

class FleetIndexTest : public testing::TempDirTest {
 protected:
  FleetEntry Entry(const std::string& name) {
    FleetEntry e;
    e.name = name;
    e.db = "host=h dbname=" + name;
    e.sha256 = std::string(64, 'a');
    e.source = "host=h dbname=" + name;
    e.summary.keys_read = 10;
    e.summary.change = 4;
    e.summary.scopes_to_add = 9;
    e.summary.privileged_grants = {{"tenant-management-write", 2}};
    return e;
  }

  void ExpectRefused(const std::string& json, const std::string& why) {
    testing::WriteFile(Dir() + "/index.json", json);
    try {
      ReadFleetIndex(Dir());
      ADD_FAILURE() << "accepted " << json;
    } catch (const ToolError& e) {
      EXPECT_EQ(e.exit_code(), 65);
      EXPECT_EQ(std::string(e.what()),
                Dir() + "/index.json: " + why + "; make the fleet plan again with plan --targets");
    }
  }
};

TEST_F(FleetIndexTest, ReadsBackWhatItWrites) {
  FleetEntry us = Entry("us-1");
  us.db.reset();
  us.service = "billing-us";
  us.layout = "/etc/us.yaml";
  testing::WriteFile(Dir() + "/index.json", FleetIndexJson({Entry("eu-1"), us}));
  EXPECT_TRUE(IsFleetDirectory(Dir()));
  const auto entries = ReadFleetIndex(Dir());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "eu-1");
  EXPECT_EQ(*entries[0].db, "host=h dbname=eu-1");
  EXPECT_FALSE(entries[0].layout);
  EXPECT_EQ(entries[0].summary.change, 4u);
  EXPECT_EQ(entries[0].summary.PrivilegedGrants(), 2u);
  EXPECT_EQ(*entries[1].service, "billing-us");
  EXPECT_EQ(*entries[1].layout, "/etc/us.yaml");
  FleetPlanSummary total = entries[0].summary;
  total.Add(entries[1].summary);
  EXPECT_EQ(total.keys_read, 20u);
  EXPECT_EQ(total.privileged_grants.at("tenant-management-write"), 4u);
}

TEST_F(FleetIndexTest, RefusesAnEditedIndex) {
  const std::string sha(64, 'a');
  const std::string summary =
      "\"summary\":{\"keys_read\":1,\"change\":1,\"unchanged\":0,\"drift\":0,\"blocked\":0,"
      "\"skipped\":0,\"scopes_to_add\":1,\"scopes_to_remove\":0}";
  auto index = [&](const std::string& target) {
    return "{\"format\":\"scope-migrate-fleet/1\",\"targets\":[" + target + "]}";
  };
  ExpectRefused("{",
                "not JSON ([json.exception.parse_error.101] parse error at line 1, column 2: "
                "syntax error while parsing object key - unexpected end of input; expected "
                "string literal)");
  ExpectRefused("{\"format\":\"x\"}", "not a fleet index (format \"scope-migrate-fleet/1\")");
  ExpectRefused(index(""), "no targets");
  ExpectRefused(index("{\"name\":\"eu-1\",\"plan\":\"../../etc/eu-1.jsonl\",\"sha256\":\"" + sha +
                      "\",\"db\":\"x\"," + summary + "}"),
                "target eu-1's plan is not eu-1.jsonl");
  ExpectRefused(index("{\"name\":\"../x\",\"plan\":\"x.jsonl\"}"),
                "a target's name is not a-z, 0-9 and \"-\"");
  ExpectRefused(index("{\"name\":\"eu-1\",\"plan\":\"eu-1.jsonl\",\"sha256\":\"abc\"}"),
                "target eu-1's sha256 is not 64 hex digits");
  ExpectRefused(index("{\"name\":\"eu-1\",\"plan\":\"eu-1.jsonl\",\"sha256\":\"" + sha + "\"," +
                      summary + "}"),
                "target eu-1 needs one of db and service");
  const std::string one = "{\"name\":\"eu-1\",\"plan\":\"eu-1.jsonl\",\"sha256\":\"" + sha +
                          "\",\"db\":\"x\"," + summary + "}";
  ExpectRefused(index(one + "," + one), "target eu-1 is listed twice");
}

// Regression: an index nested 100,000 deep crashed apply DIR (SIGSEGV in the parser's
// recursion); nesting past 64 levels is refused at the bracket that goes too deep.
TEST_F(FleetIndexTest, RefusesNestingPast64LevelsWithoutCrashing) {
  testing::WriteFile(Dir() + "/index.json", "{\"format\":\"scope-migrate-fleet/1\",\n\"targets\":" +
                                                std::string(100000, '[') +
                                                std::string(100000, ']') + "}");
  try {
    ReadFleetIndex(Dir());
    ADD_FAILURE() << "accepted";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), Dir() +
                                         "/index.json:2:74: arrays and objects nested deeper "
                                         "than 64 levels; make the fleet plan again with plan "
                                         "--targets");
  }
}

TEST(JsonNestingTest, CountsBracketsOutsideStrings) {
  struct Case {
    std::string text;
    size_t max_depth, expected;
  };
  const Case cases[] = {
      {"{}", 1, std::string::npos},
      {"{\"a\":[]}", 1, 5},
      {"[[[]]]", 3, std::string::npos},
      {"[[[[]]]]", 3, 3},
      {"[\"[[[[\\\"[[[\"]", 1, std::string::npos},
      {"[] [] []", 1, std::string::npos},
      {std::string(100000, '['), 64, 64},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(JsonNestingPastLimit(c.text, c.max_depth), c.expected) << c.text.substr(0, 20);
  }
}

}  // namespace
}  // namespace scope_migrate
