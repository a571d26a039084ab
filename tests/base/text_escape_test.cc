#include "base/text_escape.h"

#include <gtest/gtest.h>

namespace scope_migrate {
namespace {

TEST(TextEscapeTest, PrintableEscapesControlCharactersOnly) {
  EXPECT_EQ(Printable("a\nb\tc\rd\x1b[2J\x7f Größe"), "a\\nb\\tc\\rd\\x1b[2J\\x7f Größe");
}

// A message on stderr keeps the tool's own list lines (a newline and two spaces) and
// escapes every other newline, so a database's text cannot start a line of its own.
TEST(TextEscapeTest, PrintableMessageKeepsOnlyTheToolsContinuationLines) {
  EXPECT_EQ(PrintableMessage("2 plans:\n  abc\n  def"), "2 plans:\n  abc\n  def");
  EXPECT_EQ(PrintableMessage("no\x1b[2J\nscope-migrate: all done"),
            "no\\x1b[2J\\nscope-migrate: all done");
  EXPECT_EQ(PrintableMessage("a\n b\n\n  c\n"), "a\\n b\\n\n  c\\n");
  EXPECT_EQ(PrintableMessage("x\xe2\x80\xae\n  y\ty"), "x\\u202e\n  y\\ty");
}

// Regression (case 15): C1 controls and bidi marks in a key name reached the terminal and
// the Markdown ticket as they were, so "\u202e" could show a name reversed.
TEST(TextEscapeTest, PrintableShowsC1ControlsAndBidiMarks) {
  struct Case {
    const char* text;
    const char* shown;
  };
  const Case cases[] = {
      {"a\xc2\x80"
       "b",
       "a\\u0080b"},  // U+0080, the first C1 control
      {"\xc2\x9b"
       "31m",
       "\\u009b31m"},                                    // U+009B: CSI
      {"\xc2\x9f", "\\u009f"},                           // the last C1 control
      {"\xc2\xa0\xc2\xa9", "\xc2\xa0\xc2\xa9"},          // U+00A0, U+00A9: shown
      {"key\xe2\x80\xaetxt.exe", "key\\u202etxt.exe"},   // U+202E RIGHT-TO-LEFT OVERRIDE
      {"\xe2\x80\xaa\xe2\x80\xac", "\\u202a\\u202c"},    // embedding, pop
      {"\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069"},  // isolates
      {"\xe2\x80\x8e\xe2\x80\x8f", "\\u200e\\u200f"},    // LRM, RLM
      {"\xe2\x80\x94\xe2\x80\xaf\xe2\x81\xa5",
       "\xe2\x80\x94\xe2\x80\xaf\xe2\x81\xa5"},  // — U+202F U+2065
      {"\xe2\x80", "\xe2\x80"},                  // cut short: left as it is
  };
  for (const Case& c : cases) EXPECT_EQ(Printable(c.text), c.shown) << c.text;
  EXPECT_EQ(MarkdownCell("a\xe2\x80\xae|b"), "a\\u202e\\|b");
}

// Regression (case 15): cells starting with = + - @ tab or CR were written as they were,
// and a spreadsheet ran them as formulas.
TEST(TextEscapeTest, CsvFieldDisarmsFormulas) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(CsvField("+1"), "'+1");
  EXPECT_EQ(CsvField("-2+3"), "'-2+3");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("\tx"), "'\tx");
  EXPECT_EQ(CsvField("\rx"), "\"'\rx\"");
  EXPECT_EQ(CsvField("a=b, c"), "\"a=b, c\"");
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
}

TEST(TextEscapeTest, MarkdownCellEscapesPipesAndBackticks) {
  EXPECT_EQ(MarkdownCell("a|b`c\nd"), "a\\|b'c\\nd");
}

TEST(TextEscapeTest, XmlTextEscapesMarkupAndForbiddenControls) {
  EXPECT_EQ(XmlText("<a & \"b\" 'c'>"), "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;");
  EXPECT_EQ(XmlText("x\x01y\tz\n"), "x\\x01y\tz\n");
  EXPECT_EQ(XmlText("Größe"), "Größe");
}

TEST(TextEscapeTest, GithubEscapeEncodesWhatEndsACommand) {
  EXPECT_EQ(GithubEscape("50% a\r\nb:c,d", false), "50%25 a%0D%0Ab:c,d");
  EXPECT_EQ(GithubEscape("dir/f:1,2.yaml", true), "dir/f%3A1%2C2.yaml");
}

}  // namespace
}  // namespace scope_migrate
