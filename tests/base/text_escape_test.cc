#include "base/text_escape.h"

#include <gtest/gtest.h>

namespace scope_migrate {
namespace {

TEST(TextEscapeTest, PrintableEscapesControlCharactersOnly) {
  EXPECT_EQ(Printable("a\nb\tc\rd\x1b[2J\x7f Größe"), "a\\nb\\tc\\rd\\x1b[2J\\x7f Größe");
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
