// The duration flags' spellings (--lock-timeout, --statement-timeout, --pause).
#include "base/durations.h"

#include <gtest/gtest.h>

namespace scope_migrate {
namespace {

TEST(DurationsTest, ParsesTheSpellingsOfTheFlags) {
  EXPECT_EQ(ParseDurationMs("500ms"), 500);
  EXPECT_EQ(ParseDurationMs("5s"), 5000);
  EXPECT_EQ(ParseDurationMs("2min"), 120000);
  EXPECT_EQ(ParseDurationMs("1h"), 3600000);
  EXPECT_EQ(ParseDurationMs("0"), 0);
  EXPECT_FALSE(ParseDurationMs("5"));
  EXPECT_FALSE(ParseDurationMs("fast"));
  EXPECT_FALSE(ParseDurationMs("-1s"));
}

}  // namespace
}  // namespace scope_migrate
