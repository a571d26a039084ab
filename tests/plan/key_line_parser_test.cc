#include "plan/key_line_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "base/errors.h"

namespace scope_migrate {
namespace {

PlanKeyLine Parse(const std::string& text) {
  PlanKeyLine out;
  ParseKeyLineFields("p.jsonl", 7, text, out);
  return out;
}

void ExpectRefused(const std::string& text, const std::string& message) {
  try {
    Parse(text);
    ADD_FAILURE() << "accepted " << text;
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), "p.jsonl:7:1: " + message) << text;
  }
}

TEST(KeyLineParserTest, ReadsEveryField) {
  const PlanKeyLine k = Parse(
      R"({"type":"key","id":"k1","tenant":"acme","name":"N \"q\"","status":"change",)"
      R"("reason":"","roles":["Admin","Admin"],"current":["a"],"add":["b","c"],"extra":["a"]})");
  EXPECT_EQ(k.line, 7);
  EXPECT_EQ(k.id, "k1");
  EXPECT_EQ(k.tenant, std::optional<std::string>("acme"));
  EXPECT_EQ(k.name, std::optional<std::string>("N \"q\""));
  EXPECT_EQ(k.status, Status::kChange);
  EXPECT_EQ(k.roles, (std::vector<std::string>{"Admin", "Admin"}));
  EXPECT_EQ(k.current, std::vector<std::string>{"a"});
  EXPECT_EQ(k.add, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(k.extra, std::vector<std::string>{"a"});
}

TEST(KeyLineParserTest, AbsentFieldsAreEmptyAndNullsAreAbsent) {
  const PlanKeyLine k = Parse(
      R"({"type":"key","id":"k2","tenant":null,"name":null,"reason":null,"status":"blocked"})");
  EXPECT_EQ(k.tenant, std::nullopt);
  EXPECT_EQ(k.name, std::nullopt);
  EXPECT_EQ(k.reason, "");
  EXPECT_TRUE(k.roles.empty() && k.current.empty() && k.add.empty() && k.extra.empty());
}

TEST(KeyLineParserTest, UnknownFieldsOfAnyShapeAreIgnored) {
  const PlanKeyLine k =
      Parse(R"({"type":"key","x":{"a":[1,{"b":null}],"id":"no"},"y":[["roles"]],"z":3.5,"id":"k3",)"
            R"("w":true,"status":"unchanged"})");
  EXPECT_EQ(k.id, "k3");
  EXPECT_TRUE(k.roles.empty());
}

TEST(KeyLineParserTest, ALaterDuplicateFieldWins) {
  const PlanKeyLine k =
      Parse(R"({"type":"key","id":"a","id":"b","status":"drift","add":["x"],"add":["y"]})");
  EXPECT_EQ(k.id, "b");
  EXPECT_EQ(k.add, std::vector<std::string>{"y"});
}

// Regression: the JSON library's own message reached the user.
TEST(KeyLineParserTest, WhatIsNotJsonIsRefusedInOurWords) {
  try {
    Parse(R"({"type":"key",)");
    ADD_FAILURE();
  } catch (const ToolError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("p.jsonl:7:1: not valid JSON (at byte ", 0), 0u)
        << e.what();
    EXPECT_EQ(std::string(e.what()).find("json.exception"), std::string::npos) << e.what();
  }
}

TEST(KeyLineParserTest, EveryBrokenRuleIsNamed) {
  ExpectRefused(R"(["type","key"])", "not a plan line (no \"type\")");
  ExpectRefused(R"("key")", "not a plan line (no \"type\")");
  ExpectRefused(R"({"id":"k"})", "not a plan line (no \"type\")");
  ExpectRefused(R"({"type":1,"id":"k"})", "not a plan line (no \"type\")");
  ExpectRefused(R"({"type":"header"})", "expected a key line, found \"header\"");
  ExpectRefused(R"({"type":"key","status":"change"})", "\"id\" must be a string");
  ExpectRefused(R"({"type":"key","id":5,"status":"change"})", "\"id\" must be a string");
  ExpectRefused(R"({"type":"key","id":{"a":1},"status":"change"})", "\"id\" must be a string");
  ExpectRefused(R"({"type":"key","id":"k"})", "\"status\" must be a string");
  ExpectRefused(R"({"type":"key","id":"k","status":"done"})", "unknown status \"done\"");
  ExpectRefused(R"({"type":"key","id":"k","tenant":7,"status":"change"})",
                "\"tenant\" must be a string");
  ExpectRefused(R"({"type":"key","id":"k","status":"change","add":"x"})", "\"add\" must be a list");
  ExpectRefused(R"({"type":"key","id":"k","status":"change","roles":null})",
                "\"roles\" must be a list");
  ExpectRefused(R"({"type":"key","id":"k","status":"change","add":["x",1]})",
                "\"add\" must hold strings");
  ExpectRefused(R"({"type":"key","id":"k","status":"change","current":[["x"]]})",
                "\"current\" must hold strings");
  ExpectRefused(R"({"type":"key","id":"k","status":"change","extra":[{"x":1}]})",
                "\"extra\" must hold strings");
}

// Regression (case 11): "k\u0000x" was read as an id that libpq cut to "k", another key.
TEST(KeyLineParserTest, ANulCharacterInAnyTextIsRefused) {
  const std::string nul =
      "holds a NUL character (\\u0000), which no database value can: the "
      "plan file was edited";
  ExpectRefused(R"({"type":"key","id":"k\u0000x","status":"change"})", "\"id\" " + nul);
  ExpectRefused(R"({"type":"key","id":"k","tenant":"a\u0000","status":"change"})",
                "\"tenant\" " + nul);
  ExpectRefused(R"({"type":"key","id":"k","status":"change","roles":["r","\u0000"]})",
                "\"roles\" " + nul);
  ExpectRefused(R"({"type":"key","id":"k","status":"change","add":["s\u0000"]})", "\"add\" " + nul);
  ExpectRefused(R"({"type":"key","id":"k","status":"change","current":["\u0000"]})",
                "\"current\" " + nul);
  // Other control characters are values PostgreSQL can hold: read as they are.
  EXPECT_EQ(Parse(R"({"type":"key","id":"k\t1","status":"change","roles":["a\nb"]})").id, "k\t1");
}

}  // namespace
}  // namespace scope_migrate
