#include "pg/column_format.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace scope_migrate {
namespace {

using Strings = std::vector<std::string>;

const ColumnFormat kArray{ValueFormat::kArray, ","};
const ColumnFormat kJson{ValueFormat::kJson, ","};
const ColumnFormat kComma{ValueFormat::kDelimited, ","};
const ColumnFormat kSpace{ValueFormat::kDelimited, " "};

// The items, or the error prefixed with "error: ".
Strings Parse(const ColumnFormat& format, const std::optional<std::string>& text) {
  Strings items;
  const std::string error = ParseColumnValue(format, text, items);
  if (!error.empty()) return {"error: " + error};
  return items;
}

std::optional<std::string> Edit(const ColumnFormat& format, const std::optional<std::string>& raw,
                                const Strings& add, const Strings& remove) {
  Strings items;  // an array's text form is not its parse form: only NULL is given here
  EXPECT_TRUE(format.format != ValueFormat::kArray || !raw);
  EXPECT_EQ(ParseColumnValue(format, raw, items), "");
  return EditColumnValue(format, raw, items, add, remove);
}

TEST(ColumnFormatTest, NamesRoundTrip) {
  for (const ValueFormat f : {ValueFormat::kArray, ValueFormat::kJson, ValueFormat::kDelimited}) {
    EXPECT_EQ(ParseFormatName(FormatName(f)), f);
  }
  EXPECT_EQ(ParseFormatName("csv"), std::nullopt);
}

TEST(ColumnFormatTest, NullHoldsNoItemsInEveryFormat) {
  for (const auto& f : {kArray, kJson, kComma}) EXPECT_EQ(Parse(f, std::nullopt), Strings{});
}

TEST(ColumnFormatTest, ArrayIsReadThroughItsJsonForm) {
  EXPECT_EQ(Parse(kArray, R"(["Super User","a,b","{x}"])"), (Strings{"Super User", "a,b", "{x}"}));
  EXPECT_EQ(Parse(kArray, "[]"), Strings{});
  EXPECT_EQ(Parse(kArray, R"(["a",null])"), Strings{"error: element 2 is NULL"});
  EXPECT_EQ(Parse(kArray, R"([["a"],["b"]])"), Strings{"error: a multi-dimensional array"});
}

TEST(ColumnFormatTest, JsonMustBeAnArrayOfStrings) {
  EXPECT_EQ(Parse(kJson, R"([ "auditor", "Super User" ])"), (Strings{"auditor", "Super User"}));
  EXPECT_EQ(Parse(kJson, R"(["a","a"])"), (Strings{"a", "a"}));  // duplicates kept
  EXPECT_EQ(Parse(kJson, R"({"role":"auditor"})"), Strings{"error: a JSON object, not an array"});
  EXPECT_EQ(Parse(kJson, R"(["auditor",7])"),
            Strings{"error: element 2 is a number, not a string"});
  EXPECT_EQ(Parse(kJson, "null"), Strings{"error: a JSON null, not an array"});
  EXPECT_EQ(Parse(kJson, ""), Strings{"error: not JSON"});
  EXPECT_EQ(Parse(kJson, R"(["a")"), Strings{"error: not JSON"});
  EXPECT_EQ(Parse(kJson, R"("auditor")"), Strings{"error: a JSON string, not an array"});
}

// SPEC 12.3: nesting in JSON inputs is capped; a database value nested 100,000 deep is an
// error of that value, never parsed (nor copied, which recursed).
TEST(ColumnFormatTest, JsonNestedDeeperThanTheCapIsAnError) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(Parse(kJson, deep), Strings{"error: JSON nested deeper than 64 levels"});
  EXPECT_EQ(Parse(kArray, deep), Strings{"error: JSON nested deeper than 64 levels"});
  // Brackets inside strings are text.
  EXPECT_EQ(Parse(kJson, "[\"" + std::string(200, '[') + "\"]"), Strings{std::string(200, '[')});
}

// Plain arrays of ASCII strings take a fast path; everything near it must read exactly as
// the full JSON parser reads it.
TEST(ColumnFormatTest, PlainArraysAndTheirNeighboursReadAlike) {
  EXPECT_EQ(Parse(kJson, " [ ] "), Strings{});
  EXPECT_EQ(Parse(kJson, R"(["a" ,"b"])"), (Strings{"a", "b"}));
  EXPECT_EQ(Parse(kJson, "[\"a\",\n\t\"\"]"), (Strings{"a", ""}));
  EXPECT_EQ(Parse(kJson, R"(["Order Manager & Customer Support"])"),
            Strings{"Order Manager & Customer Support"});
  // Escapes and non-ASCII go through the full parser, which decodes them.
  EXPECT_EQ(Parse(kJson, R"(["a\"b","c\\d","\u00e9"])"), (Strings{"a\"b", "c\\d", "\xc3\xa9"}));
  EXPECT_EQ(Parse(kJson, "[\"\xc3\xa9\"]"), Strings{"\xc3\xa9"});
  EXPECT_EQ(Parse(kJson, "[\"\xff\"]"), Strings{"error: not JSON"});  // not UTF-8
  // Malformed near misses are refused as the parser refuses them.
  EXPECT_EQ(Parse(kJson, R"(["a",])"), Strings{"error: not JSON"});
  EXPECT_EQ(Parse(kJson, R"(["a" "b"])"), Strings{"error: not JSON"});
  EXPECT_EQ(Parse(kJson, R"(["a"] x)"), Strings{"error: not JSON"});
  EXPECT_EQ(Parse(kJson, R"([,"a"])"), Strings{"error: not JSON"});
  EXPECT_EQ(Parse(kJson, "[\"a\tb\"]"), Strings{"error: not JSON"});  // a raw tab in a string
  EXPECT_EQ(Parse(kJson, R"(["a",1])"), Strings{"error: element 2 is a number, not a string"});
  EXPECT_EQ(Parse(kArray, R"(["a",null,"b"])"), Strings{"error: element 2 is NULL"});
}

TEST(ColumnFormatTest, DelimitedTrimsAndIgnoresEmptyElements) {
  EXPECT_EQ(Parse(kComma, " auditor ,Super User,,\t"), (Strings{"auditor", "Super User"}));
  EXPECT_EQ(Parse(kComma, ""), Strings{});
  EXPECT_EQ(Parse(kSpace, "read  write\n"), (Strings{"read", "write"}));
  EXPECT_EQ(Parse(ColumnFormat{ValueFormat::kDelimited, "||"}, "a||b|c"), (Strings{"a", "b|c"}));
  // A quote is part of the element: a delimited string has no quoting.
  EXPECT_EQ(Parse(kComma, R"("a,b")"), (Strings{"\"a", "b\""}));
}

TEST(ColumnFormatTest, NullStaysNullWhenNothingIsAdded) {
  for (const auto& f : {kArray, kJson, kComma}) {
    EXPECT_EQ(Edit(f, std::nullopt, {}, {"x"}), std::nullopt);
  }
}

TEST(ColumnFormatTest, NullBecomesTheAddedItems) {
  EXPECT_EQ(Edit(kArray, std::nullopt, {"a", "b c"}, {}), R"({"a","b c"})");
  EXPECT_EQ(Edit(kJson, std::nullopt, {"a", "b"}, {}), R"(["a","b"])");
  EXPECT_EQ(Edit(kComma, std::nullopt, {"a", "b"}, {}), "a,b");
  EXPECT_EQ(Edit(kComma, "", {"a"}, {}), "a");
  EXPECT_EQ(Edit(kComma, "  ", {"a"}, {}), "a");
}

TEST(ColumnFormatTest, ArrayAndJsonKeepOrderRemoveAndAppend) {
  Strings items = {"z", "a", "m"};
  EXPECT_EQ(EditColumnValue(kArray, "{z,a,m}", items, {"b", "c"}, {"a"}), R"({"z","m","b","c"})");
  EXPECT_EQ(EditColumnValue(kJson, R"(["z", "a", "m"])", items, {"b"}, {"m", "z"}), R"(["a","b"])");
  EXPECT_EQ(EditColumnValue(kJson, "[]", {}, {"say \"hi\""}, {}), R"(["say \"hi\""])");
}

TEST(ColumnFormatTest, DelimitedKeepsBytesOrderAndSpacing) {
  EXPECT_EQ(Edit(kComma, "zeta, alpha", {"beta", "gamma"}, {}), "zeta, alpha, beta, gamma");
  EXPECT_EQ(Edit(kComma, "zeta,alpha", {"beta"}, {}), "zeta,alpha,beta");
  EXPECT_EQ(Edit(kComma, "zeta", {"beta"}, {}), "zeta,beta");
  EXPECT_EQ(Edit(kSpace, "read write", {"admin"}, {}), "read write admin");
  EXPECT_EQ(Edit(kComma, " zeta ,  alpha,beta ", {}, {"alpha"}), " zeta ,beta ");
  EXPECT_EQ(Edit(kComma, "a,b,a", {"c"}, {"a"}), "b,c");
  EXPECT_EQ(Edit(kComma, "a, b", {}, {}), "a, b");
}

TEST(ColumnFormatTest, DelimitedItemsMustNotHoldTheSeparator) {
  EXPECT_EQ(UnwritableItem(kComma, "invoices:read"), "");
  EXPECT_EQ(UnwritableItem(ColumnFormat{ValueFormat::kDelimited, ":"}, "invoices:read"),
            "holds the separator \":\"");
  EXPECT_EQ(UnwritableItem(kSpace, "a b"), "holds the separator \" \"");
  EXPECT_EQ(UnwritableItem(kComma, " a"), "is empty or has whitespace at an end");
  EXPECT_EQ(UnwritableItem(kJson, "a,b c"), "");
}

}  // namespace
}  // namespace scope_migrate
