#include "write/throttle.h"

#include <gtest/gtest.h>

namespace scope_migrate {
namespace {

using Clock = Throttle::Clock;
using std::chrono::milliseconds;

const Clock::time_point kT0 = Clock::time_point() + std::chrono::hours(1);

TEST(ThrottleTest, NoLimitsStartAtOnce) {
  Throttle throttle(0, 0, kT0);
  EXPECT_EQ(throttle.Reserve(kT0, 1000), kT0);
  throttle.Committed(kT0 + milliseconds(50));
  EXPECT_EQ(throttle.Reserve(kT0 + milliseconds(60), 1000), kT0 + milliseconds(60));
}

TEST(ThrottleTest, FirstBatchNeverWaits) {
  Throttle throttle(500, 10, kT0);
  EXPECT_EQ(throttle.Reserve(kT0, 1000), kT0);
}

TEST(ThrottleTest, PauseCountsFromTheCommit) {
  Throttle throttle(200, 0, kT0);
  throttle.Reserve(kT0, 10);
  throttle.Committed(kT0 + milliseconds(30));
  EXPECT_EQ(throttle.Reserve(kT0 + milliseconds(40), 10), kT0 + milliseconds(230));
}

TEST(ThrottleTest, PauseSpacesTheStartsOfParallelWorkers) {
  Throttle throttle(100, 0, kT0);
  EXPECT_EQ(throttle.Reserve(kT0, 10), kT0);
  // A second worker ready at once waits a pause after the first start, a third after that.
  EXPECT_EQ(throttle.Reserve(kT0, 10), kT0 + milliseconds(100));
  EXPECT_EQ(throttle.Reserve(kT0, 10), kT0 + milliseconds(200));
}

TEST(ThrottleTest, MaxRateHoldsForTheKeysBookedSoFar) {
  Throttle throttle(0, 100, kT0);  // 100 keys a second
  EXPECT_EQ(throttle.Reserve(kT0, 50), kT0);
  EXPECT_EQ(throttle.Reserve(kT0 + milliseconds(10), 50), kT0 + milliseconds(500));
  EXPECT_EQ(throttle.Reserve(kT0 + milliseconds(10), 50), kT0 + milliseconds(1000));
  // Behind the rate: no wait.
  EXPECT_EQ(throttle.Reserve(kT0 + milliseconds(5000), 50), kT0 + milliseconds(5000));
}

TEST(ThrottleTest, TheLongerOfPauseAndRateWins) {
  Throttle throttle(300, 1000, kT0);
  throttle.Reserve(kT0, 100);  // rate alone would allow the next at +100ms
  throttle.Committed(kT0 + milliseconds(20));
  EXPECT_EQ(throttle.Reserve(kT0 + milliseconds(20), 100), kT0 + milliseconds(320));
}

}  // namespace
}  // namespace scope_migrate
