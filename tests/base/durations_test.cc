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
  EXPECT_EQ(ParseDurationMs("90d"), int64_t{90} * 86400 * 1000);
  EXPECT_EQ(ParseDurationMs("0"), 0);
  EXPECT_FALSE(ParseDurationMs("5"));
  EXPECT_FALSE(ParseDurationMs("fast"));
  EXPECT_FALSE(ParseDurationMs("-1s"));
}

TEST(DurationsTest, ParsesByteSizesInPowersOf1024) {
  const std::pair<const char*, std::optional<int64_t>> cases[] = {
      {"0", 0},
      {"1048576", 1048576},
      {"300B", 300},
      {"64kB", 65536},
      {"64KiB", 65536},
      {"512MB", int64_t{512} << 20},
      {"512 MiB", int64_t{512} << 20},
      {"1GiB", int64_t{1} << 30},
      {"1GB", int64_t{1} << 30},
      {"2TB", int64_t{2} << 40},
      {"", std::nullopt},
      {"1.5GB", std::nullopt},
      {"-1", std::nullopt},
      {"1gb", std::nullopt},
      {"GB", std::nullopt},
      {"99999999999TB", std::nullopt},
  };
  for (const auto& [text, bytes] : cases) EXPECT_EQ(ParseByteSize(text), bytes) << text;
}

}  // namespace
}  // namespace scope_migrate
