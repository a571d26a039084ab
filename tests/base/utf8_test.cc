// InvalidUtf8Offset: a table of valid and invalid byte strings (RFC 3629).
#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scope_migrate {
namespace {

struct Utf8Case {
  std::string text;
  size_t offset;  // npos when valid
};

TEST(Utf8Test, FindsTheFirstInvalidByte) {
  const size_t ok = std::string::npos;
  const std::vector<Utf8Case> cases = {
      {"", ok},
      {"acme", ok},
      {"caf\xC3\xA9", ok},           // é
      {"\xE2\x80\xAE", ok},          // U+202E (valid; escaped on output, not here)
      {"\xF0\x9F\x94\x91 key", ok},  // U+1F511
      {"\xF4\x8F\xBF\xBF", ok},      // U+10FFFF
      {"acme\xFF", 4},               // never in UTF-8
      {"a\xC3", 1},                  // truncated
      {"a\xC3(", 1},                 // bad continuation
      {"\xC0\xAF", 0},               // overlong "/"
      {"\xE0\x80\xAF", 0},           // overlong
      {"\xED\xA0\x80", 0},           // surrogate U+D800
      {"\xF4\x90\x80\x80", 0},       // past U+10FFFF
      {"ok\x80", 2},                 // lone continuation byte
      {"\xF0\x9F\x94", 0},           // truncated 4-byte
  };
  for (const Utf8Case& c : cases) {
    EXPECT_EQ(InvalidUtf8Offset(c.text), c.offset) << testing::PrintToString(c.text);
    EXPECT_EQ(IsValidUtf8(c.text), c.offset == ok);
  }
}

}  // namespace
}  // namespace scope_migrate
