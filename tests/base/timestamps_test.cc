#include "base/timestamps.h"

#include <gtest/gtest.h>

namespace scope_migrate {
namespace {

TEST(TimestampsTest, ParsesOffsetsToTheSameInstant) {
  const auto utc = ParseRfc3339("2026-03-22T23:00:00Z");
  ASSERT_TRUE(utc.has_value());
  EXPECT_EQ(ParseRfc3339("2026-03-23T00:00:00+01:00"), utc);
  EXPECT_EQ(ParseRfc3339("2026-03-22T18:00:00-05:00"), utc);
  EXPECT_EQ(*utc, 1774220400LL * 1000000);
}

TEST(TimestampsTest, KeepsMicroseconds) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00.5Z"), 500000);
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:01.000001Z"), 1000001);
  EXPECT_EQ(FormatUtc(1000001), "1970-01-01T00:00:01.000001Z");
}

TEST(TimestampsTest, RejectsInstantsWithoutOffsetOrOutOfRange) {
  EXPECT_FALSE(ParseRfc3339("2026-03-23T00:00:00"));
  EXPECT_FALSE(ParseRfc3339("2026-03-23"));
  EXPECT_FALSE(ParseRfc3339("2026-02-29T00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-03-23T24:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2026-03-23T00:00:00+0100"));
  EXPECT_FALSE(ParseRfc3339("2026-03-23T00:00:00Z junk"));
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z"));
}

// Regression (case 14): "9999-12-31T23:59:59-23:59" is year 10000 in UTC; it was accepted
// and printed as "10000-…", and "0000-01-01T00:00:00+00:01" as "-001-…", which the plan
// reader then refused. Each row: the text, and whether it is accepted (then it prints back
// as `utc`) or refused for its year range only.
struct YearCase {
  const char* text;
  bool accepted;
  const char* utc;     // when accepted
  bool outside_years;  // when refused
};

TEST(TimestampsTest, InstantsOutsideTheYears1To9999InUtcAreRefused) {
  const YearCase cases[] = {
      {"0001-01-01T00:00:00Z", true, "0001-01-01T00:00:00Z", false},
      {"0001-01-01T23:59:00+23:59", true, "0001-01-01T00:00:00Z", false},
      {"9999-12-31T23:59:59.999999Z", true, "9999-12-31T23:59:59.999999Z", false},
      {"9999-12-31T00:00:01-23:59", true, "9999-12-31T23:59:01Z", false},
      {"9999-12-31T23:59:59-23:59", false, "", true},
      {"9999-12-31T00:01:00-23:59", false, "", true},
      {"0001-01-01T00:00:00+00:01", false, "", true},
      {"0000-06-15T00:00:00Z", false, "", true},
      {"0001-01-01T00:00:00", false, "", false},  // no offset: not RFC 3339
      {"99999-01-01T00:00:00Z", false, "", false},
  };
  for (const YearCase& c : cases) {
    const auto instant = ParseRfc3339(c.text);
    EXPECT_EQ(instant.has_value(), c.accepted) << c.text;
    if (instant) {
      EXPECT_EQ(FormatUtc(*instant), c.utc) << c.text;
    }
    EXPECT_EQ(OutsideYears(c.text), c.outside_years) << c.text;
  }
}

TEST(TimestampsTest, FormatsUtc) {
  EXPECT_EQ(FormatUtc(*ParseRfc3339("2026-03-23T00:00:00+01:00")), "2026-03-22T23:00:00Z");
  EXPECT_EQ(FormatUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtc(*ParseRfc3339("1969-12-31T23:59:59Z")), "1969-12-31T23:59:59Z");
}

TEST(TimestampsTest, EpochSecondsAreExact) {
  EXPECT_EQ(ParseEpochSeconds("0"), 0);
  EXPECT_EQ(ParseEpochSeconds("1774220400"), 1774220400LL * 1000000);
  EXPECT_EQ(ParseEpochSeconds("1774220399.999999"), 1774220400LL * 1000000 - 1);
  EXPECT_EQ(ParseEpochSeconds("1.5"), 1500000);
  EXPECT_EQ(ParseEpochSeconds("-86400.25"), -86400250000LL);
  EXPECT_EQ(ParseEpochSeconds("Infinity"), std::numeric_limits<Instant>::max());
  EXPECT_EQ(ParseEpochSeconds("-Infinity"), std::numeric_limits<Instant>::min());
}

// Found by fuzz_times: 14 digits of seconds overflowed the microseconds (undefined
// behaviour); PostgreSQL stores timestamps up to 9224318015999 seconds.
TEST(TimestampsTest, EpochSecondsPastTheInstantRangeSaturate) {
  const Instant max = std::numeric_limits<Instant>::max();
  const Instant min = std::numeric_limits<Instant>::min();
  EXPECT_EQ(ParseEpochSeconds("9223372036854.775807"), max);
  EXPECT_EQ(ParseEpochSeconds("9223372036854.775806"), max - 1);
  EXPECT_EQ(ParseEpochSeconds("9223372036854.775808"), max);
  EXPECT_EQ(ParseEpochSeconds("17356896012366"), max);
  EXPECT_EQ(ParseEpochSeconds("9224318015999.999999"), max);
  EXPECT_EQ(ParseEpochSeconds("-9223372036854.775807"), -max);
  EXPECT_EQ(ParseEpochSeconds("-17356896012366"), min);
}

TEST(TimestampsTest, EpochSecondsRefuseWhatIsNotANumber) {
  for (const char* bad : {"", "-", "1.", ".5", "1.1234567", "12a", "1e9", " 1", "NaN"}) {
    EXPECT_EQ(ParseEpochSeconds(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace scope_migrate
