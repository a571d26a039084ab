// --tenant and --key as a filter (no database): an empty list does not limit its field,
// both lists must match when both are given, a key without a tenant never passes a
// tenant filter, and Describe gives the flags back as a person typed them.
#include <gtest/gtest.h>

#include <string>

#include "base/errors.h"
#include "core/key_source.h"

namespace scope_migrate {
namespace {

TEST(KeyFilterTest, EmptyFilterPassesEveryKey) {
  const KeyFilter filter;
  const std::string acme = "acme";
  EXPECT_TRUE(filter.empty());
  EXPECT_TRUE(filter.Matches("k1", &acme));
  EXPECT_TRUE(filter.Matches("k1", nullptr));
  EXPECT_EQ(filter.Describe(), "");
}

TEST(KeyFilterTest, MatchesEachFieldAgainstItsList) {
  struct Case {
    KeyFilter filter;
    std::string id;
    const char* tenant;  // nullptr: the key has no tenant
    bool expected;
  };
  const KeyFilter ids{{}, {"k1", "k2"}};
  const KeyFilter tenants{{"acme", "beta"}, {}};
  const KeyFilter both{{"acme"}, {"k1"}};
  const Case cases[] = {
      {ids, "k1", nullptr, true},      {ids, "k2", "acme", true},
      {ids, "k3", "acme", false},      {ids, "K1", nullptr, false},
      {tenants, "k9", "acme", true},   {tenants, "k9", "beta", true},
      {tenants, "k9", "gamma", false}, {tenants, "k9", nullptr, false},
      {tenants, "k9", "Acme", false},  {both, "k1", "acme", true},
      {both, "k1", "beta", false},     {both, "k2", "acme", false},
      {both, "k1", nullptr, false},
  };
  for (const Case& c : cases) {
    const std::string tenant = c.tenant ? c.tenant : "";
    EXPECT_EQ(c.filter.Matches(c.id, c.tenant ? &tenant : nullptr), c.expected)
        << c.filter.Describe() << " on " << c.id << " of " << (c.tenant ? c.tenant : "(none)");
  }
}

TEST(KeyFilterTest, DescribeGivesTenantsThenKeysInTheirOrder) {
  EXPECT_EQ((KeyFilter{{"acme"}, {}}).Describe(), "--tenant acme");
  EXPECT_EQ((KeyFilter{{}, {"42"}}).Describe(), "--key 42");
  EXPECT_EQ((KeyFilter{{"beta", "acme"}, {"42", "7"}}).Describe(),
            "--tenant beta --tenant acme --key 42 --key 7");
  EXPECT_FALSE((KeyFilter{{}, {"42"}}).empty());
  EXPECT_FALSE((KeyFilter{{"acme"}, {}}).empty());
}

// The message of RefuseUnmatched for a tally of three keys, or "" when it does not throw.
std::string RefusalAfterThreeKeys(const KeyFilter& filter) {
  FilterTally tally(filter);
  const std::string acme = "acme", globex = "globex";
  tally.See("k1", &acme);
  tally.See("k2", &globex);
  tally.See("k3", nullptr);
  try {
    RefuseUnmatched(tally.Misses(), filter, "the fixture file f.yaml");
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), kExitFilterMatchedNothing);
    EXPECT_EQ(kExitFilterMatchedNothing, 6);
    return e.what();
  }
  return "";
}

TEST(FilterTallyTest, EachValueThatMatchedNothingIsNamedWithSuggestions) {
  EXPECT_EQ(RefusalAfterThreeKeys(KeyFilter{{"acmee"}, {}}),
            "--tenant \"acmee\" matched no key in the fixture file f.yaml (did you mean "
            "\"acme\"?); nothing was planned or written");
  // One value matched and one did not: the run is still refused, naming the miss.
  EXPECT_EQ(RefusalAfterThreeKeys(KeyFilter{{"acme", "zzzzzz"}, {"k1", "k9"}}),
            "--tenant \"zzzzzz\" matched no key in the fixture file f.yaml; --key \"k9\" matched "
            "no key in the fixture file f.yaml; nothing was planned or written");
  EXPECT_EQ(RefusalAfterThreeKeys(KeyFilter{{"globex"}, {"k1"}}),
            "--tenant globex --key k1: each value matches a key, but no key matches them "
            "together; nothing was planned or written");
  EXPECT_EQ(RefusalAfterThreeKeys(KeyFilter{{"acme"}, {"k1"}}), "");
  EXPECT_EQ(RefusalAfterThreeKeys(KeyFilter{}), "");
}

}  // namespace
}  // namespace scope_migrate
