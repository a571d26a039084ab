// The application-latency governor (SPEC 12.6): the window's p99 over the last 10 s, the
// level's one step per check (twice the bound pauses at once), the batch time per level,
// and the verdict that holds the run at the pause level.
#include "core/app_latency.h"

#include <gtest/gtest.h>

#include "core/health.h"

namespace scope_migrate {
namespace {

TEST(LatencyWindowTest, P99IsTheNearestRankOfTheLastTenSeconds) {
  LatencyWindow window;
  EXPECT_EQ(window.P99(0), -1);
  for (int i = 1; i <= 100; ++i) window.Add(i * 10, i);  // 1..100 ms within 1 s
  EXPECT_EQ(window.P99(1000), 99);
  window.Add(1010, 500);  // 101 samples: rank ceil(99.99) = 100
  EXPECT_EQ(window.P99(1010), 100);
  // 10 s after the first samples they are forgotten, one by one.
  EXPECT_EQ(window.P99(10000 + 1000), 500);  // only the 500 ms one is younger than 10 s
  EXPECT_EQ(window.P99(10000 + 1010), -1);
  window.Add(20000, 3);
  EXPECT_EQ(window.size(), 1u);
  EXPECT_EQ(window.P99(20000), 3);
}

struct LevelCase {
  int level;
  double p99_ms;
  int64_t limit_ms;
  int next;
};

TEST(AppLevelTest, OneStepPerCheckAndTwiceTheBoundPausesAtOnce) {
  const LevelCase cases[] = {
      {0, 12, 10, 1},                           // over: shrink
      {1, 12, 10, 2},        {2, 12, 10, 3},    // shrink again
      {3, 12, 10, kAppPauseLevel},              // then pause
      {kAppPauseLevel, 12, 10, kAppPauseLevel},  // stays paused while over
      {0, 20.5, 10, kAppPauseLevel},            // over twice the bound: pause at once
      {0, 20, 10, 1},                           // exactly twice: one step
      {kAppPauseLevel, 10, 10, kAppShrinkSteps},  // at the bound is not over: one step down
      {1, 3, 10, 0},         {0, 3, 10, 0},
      {2, -1, 10, 2},                           // no sample yet: no change
      {3, 50, 0, 0},                            // off
  };
  for (const LevelCase& c : cases) {
    EXPECT_EQ(NextAppLevel(c.level, c.p99_ms, c.limit_ms), c.next)
        << "level " << c.level << " p99 " << c.p99_ms << " limit " << c.limit_ms;
  }
}

TEST(AppLevelTest, EachShrinkStepHalvesTheBatchTime) {
  EXPECT_EQ(AppBatchTimeMs(200, 0), 200);
  EXPECT_EQ(AppBatchTimeMs(200, 1), 100);
  EXPECT_EQ(AppBatchTimeMs(200, 2), 50);
  EXPECT_EQ(AppBatchTimeMs(200, 3), 25);
  EXPECT_EQ(AppBatchTimeMs(200, kAppPauseLevel), 25);
  EXPECT_EQ(AppBatchTimeMs(1, 3), 1);
  EXPECT_EQ(AppBatchTimeMs(0, 3), 0);  // sizing off stays off
}

TEST(AppLevelTest, ThePauseLevelHoldsTheRunNamingTheProbe) {
  HealthLimits limits;
  limits.replica_lag_ms = 0;
  limits.slot_lag_bytes = 0;
  limits.app_latency_ms = 20;
  limits.probe_file = "probe.sql";
  HealthSignals s;
  s.app_p99_ms = 51.25;
  s.app_level = kAppShrinkSteps;
  EXPECT_FALSE(DecideHealth(limits, s, false).held);  // shrunk batches, still writing
  s.app_level = kAppPauseLevel;
  const HealthVerdict v = DecideHealth(limits, s, false);
  EXPECT_TRUE(v.held);
  EXPECT_EQ(v.cause, ThrottleCause::kAppLatency);
  EXPECT_STREQ(ToString(v.cause), "app_latency");
  EXPECT_EQ(v.reason, "application p99 51.2ms (probe.sql) over --max-app-latency 20.0ms");
  s.probe_error = "canceling statement due to statement timeout";
  EXPECT_EQ(DecideHealth(limits, s, false).reason,
            "application p99 51.2ms (probe.sql) over --max-app-latency 20.0ms; the probe "
            "fails: canceling statement due to statement timeout");
  // A server signal over its limit is named first.
  limits.slot_lag_bytes = 1024;
  s.slot_lag_bytes = 4096;
  s.slot = "cdc";
  EXPECT_EQ(DecideHealth(limits, s, false).cause, ThrottleCause::kSlotLag);
}

}  // namespace
}  // namespace scope_migrate
