// ShellQuote: a table of arguments and how they are written, and a round trip through
// bash, which must give back exactly the argument (so a pasted hint runs what it shows).
#include "base/shell_quote.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace scope_migrate {
namespace {

struct Quoting {
  std::string arg;
  std::string quoted;
};

const std::vector<Quoting> kCases = {
    {"apply", "apply"},
    {"--batch-size=500", "--batch-size=500"},
    {"/tmp/plan.jsonl.gz", "/tmp/plan.jsonl.gz"},
    {"user@host:5432,x+y%", "user@host:5432,x+y%"},
    {"", "''"},
    {"O'Brien", "'O'\\''Brien'"},
    {"'", "''\\'''"},
    {"a b", "'a b'"},
    {"postgresql://db/x?sslmode=require&user=a", "'postgresql://db/x?sslmode=require&user=a'"},
    {"$(touch /tmp/x)", "'$(touch /tmp/x)'"},
    {"`id`;rm -rf ~ | cat > f < g", "'`id`;rm -rf ~ | cat > f < g'"},
    {"\\ \" * ? [a] {b} # ! ()", "'\\ \" * ? [a] {b} # ! ()'"},
    {"caf\xC3\xA9", "'caf\xC3\xA9'"},
    {"line1\nline2", "$'line1\\x0Aline2'"},
    {"tab\there", "$'tab\\x09here'"},
    {"\x1B[2Jclear", "$'\\x1B[2Jclear'"},
    {"del\x7F", "$'del\\x7F'"},
    {"it's\r\nrm x", "$'it\\'s\\x0D\\x0Arm x'"},
    {"back\\slash\n", "$'back\\\\slash\\x0A'"},
};

TEST(ShellQuoteTest, EachArgumentIsWrittenAsTheTableSays) {
  for (const Quoting& c : kCases) EXPECT_EQ(ShellQuote(c.arg), c.quoted) << c.arg;
}

TEST(ShellQuoteTest, ACommandJoinsQuotedArgumentsWithSpaces) {
  EXPECT_EQ(ShellCommand({"scope-migrate", "apply", "--operator", "O'Brien", ""}),
            "scope-migrate apply --operator 'O'\\''Brien' ''");
}

// bash reads each quoted form back as the argument itself (printf %s of one word).
TEST(ShellQuoteTest, BashReadsEveryQuotedFormBackExactly) {
  for (const Quoting& c : kCases) {
    const std::string script = "printf %s " + ShellQuote(c.arg);
    const std::string command = "bash -c " + ShellQuote(script);
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[256];
    size_t n = 0;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    EXPECT_EQ(pclose(pipe), 0) << c.arg;
    EXPECT_EQ(out, c.arg) << ShellQuote(c.arg);
  }
}

}  // namespace
}  // namespace scope_migrate
