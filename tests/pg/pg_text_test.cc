#include "pg/pg_text.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "base/errors.h"

namespace scope_migrate {
namespace {

using Strings = std::vector<std::string>;
using Fields = std::vector<std::optional<std::string>>;

Fields Split(const std::string& line) {
  Fields fields;
  SplitCopyLine(line, fields);
  return fields;
}

TEST(PgTextTest, ParsesAnEmptyArray) { EXPECT_EQ(ParseTextArray("{}"), Strings{}); }

TEST(PgTextTest, ParsesPlainElements) {
  EXPECT_EQ(ParseTextArray("{admin,auditor}"), (Strings{"admin", "auditor"}));
}

TEST(PgTextTest, ParsesQuotedElementsWithSpacesCommasAndBraces) {
  EXPECT_EQ(ParseTextArray(R"({"Super User","a,b","{x}"})"), (Strings{"Super User", "a,b", "{x}"}));
}

TEST(PgTextTest, UndoesBackslashEscapesInsideQuotes) {
  EXPECT_EQ(ParseTextArray(R"({"say \"hi\"","back\\slash"})"),
            (Strings{"say \"hi\"", "back\\slash"}));
}

TEST(PgTextTest, DropsNullElementsButKeepsTheWordNullQuoted) {
  EXPECT_EQ(ParseTextArray(R"({a,NULL,"NULL"})"), (Strings{"a", "NULL"}));
}

TEST(PgTextTest, KeepsEmptyAndNonAsciiElements) {
  EXPECT_EQ(ParseTextArray(R"({"",Größe,"日本 語"})"), (Strings{"", "Größe", "日本 語"}));
}

TEST(PgTextTest, RefusesWhatIsNotAnArray) {
  EXPECT_THROW(ParseTextArray("admin"), ToolError);
  EXPECT_THROW(ParseTextArray(""), ToolError);
  EXPECT_THROW(ParseTextArray("{a"), ToolError);
}

TEST(PgTextTest, ArrayLiteralQuotesEveryElement) {
  EXPECT_EQ(TextArrayLiteral({}), "{}");
  EXPECT_EQ(TextArrayLiteral({"a", ""}), R"({"a",""})");
  EXPECT_EQ(TextArrayLiteral({"NULL"}), R"({"NULL"})");
  EXPECT_EQ(TextArrayLiteral({"x\"y", "b\\s"}), R"({"x\"y","b\\s"})");
}

TEST(PgTextTest, NullableArrayLiteralWritesNullBare) {
  EXPECT_EQ(NullableTextArrayLiteral({}), "{}");
  EXPECT_EQ(NullableTextArrayLiteral({std::nullopt, std::string("NULL"), std::string("")}),
            R"({NULL,"NULL",""})");
  EXPECT_EQ(NullableTextArrayLiteral({std::string("[\"a\"]")}), R"({"[\"a\"]"})");
}

TEST(PgTextTest, ArrayLiteralRoundTripsThroughTheParser) {
  const Strings hostile = {"Admin'); DELETE FROM api_key_scopes; --",
                           "a,b",
                           "{}",
                           "\"",
                           "\\",
                           "",
                           "NULL",
                           "tab\there",
                           "Größe"};
  EXPECT_EQ(ParseTextArray(TextArrayLiteral(hostile)), hostile);
}

TEST(PgTextTest, SplitsCopyFieldsOnTabs) { EXPECT_EQ(Split("a\tb\tc\n"), (Fields{"a", "b", "c"})); }

TEST(PgTextTest, CopyNullIsNoValueAndEmptyIsEmpty) {
  EXPECT_EQ(Split("\\N\t\tx"), (Fields{std::nullopt, "", "x"}));
}

TEST(PgTextTest, CopyEscapesAreUndone) {
  EXPECT_EQ(Split("a\\tb\\nc\\rd\\\\e"), (Fields{"a\tb\nc\rd\\e"}));
  EXPECT_EQ(Split("\\b\\f\\v"), (Fields{"\b\f\v"}));
}

TEST(PgTextTest, CopyOctalAndHexEscapes) {
  EXPECT_EQ(Split("\\101\\x42\\x4a"), (Fields{"ABJ"}));
  EXPECT_EQ(Split("\\0017"), (Fields{std::string("\001") + "7"}));
}

TEST(PgTextTest, CopyKeepsNonAsciiBytes) {
  EXPECT_EQ(Split("Größe\t日本"), (Fields{"Größe", "日本"}));
}

TEST(PgTextTest, CopyLoneBackslashAtTheEndStaysABackslash) {
  EXPECT_EQ(Split("a\\"), (Fields{"a\\"}));
}

TEST(PgTextTest, CopyArrayFieldParsesAfterSplitting) {
  // A text[] column as COPY sends it: the array's own backslashes are doubled by COPY.
  const Fields fields = Split(R"(k1	{"a\\"b",c})");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(ParseTextArray(*fields[1]), (Strings{"a\"b", "c"}));
}

}  // namespace
}  // namespace scope_migrate
