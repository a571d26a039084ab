#include "core/batch_sizing.h"

#include <gtest/gtest.h>

namespace scope_migrate {
namespace {

TEST(BatchSizingTest, FirstBatchIsSmallAndWithinTheMaximum) {
  EXPECT_EQ(FirstBatchSize(1000), 50u);
  EXPECT_EQ(FirstBatchSize(20), 20u);
  EXPECT_EQ(FirstBatchSize(1), 1u);
  EXPECT_EQ(FirstBatchSize(0), 1u);
}

TEST(BatchSizingTest, NextSizeScalesByTargetOverDuration) {
  struct Case {
    size_t size;
    double elapsed_ms;
    int64_t target_ms;
    size_t max;
    size_t expected;
  };
  const Case cases[] = {
      {100, 100, 200, 1000, 200},                           // twice as fast as the target: double
      {100, 150, 200, 1000, 133},                           // a little fast: grow in proportion
      {300, 200, 200, 1000, 300},                           // on target: keep
      {300, 400, 200, 1000, 150},                           // twice as slow: halve
      {300, 3000, 200, 1000, 150},                          // far too slow: at most halve
      {100, 1, 200, 1000, 200},                             // far too fast: at most double
      {100, 0, 200, 1000, 200},                             // no time measured: double
      {800, 100, 200, 1000, 1000},                          // never above --batch-size
      {1, 5000, 200, 1000, 1},                              // never below 1
      {2, 5000, 200, 1000, 1},     {0, 100, 200, 1000, 2},  // a size of 0 counts as 1
      {50, 100, 0, 1000, 1000},                             // --batch-time 0: always the maximum
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NextBatchSize(c.size, c.elapsed_ms, c.target_ms, c.max), c.expected)
        << c.size << " keys in " << c.elapsed_ms << " ms, target " << c.target_ms;
  }
}

TEST(BatchSizingTest, SizeConvergesOnTheTargetFromTheFirstBatch) {
  // A server that takes 0.5 ms per key plus 5 ms a batch: 200 ms fit 390 keys.
  size_t size = FirstBatchSize(1000);
  for (int i = 0; i < 12; ++i) size = NextBatchSize(size, 5 + 0.5 * size, 200, 1000);
  EXPECT_GE(size, 370u);
  EXPECT_LE(size, 400u);
}

TEST(BatchSizingTest, LockTimeoutsRetryAtTheSameSizeThenSmallerThenGiveUp) {
  struct Case {
    int failures;
    size_t size;
    bool give_up;
    int64_t wait_ms;
    size_t next;
  };
  const Case cases[] = {
      {1, 400, false, 100, 400}, {2, 400, false, 200, 400}, {3, 400, false, 400, 200},
      {4, 200, false, 800, 100}, {5, 100, false, 1600, 50}, {6, 50, true, 0, 0},
      {3, 1, false, 400, 1},     {9, 10, true, 0, 0},
  };
  for (const Case& c : cases) {
    const LockRetry retry = AfterLockTimeout(c.failures, c.size);
    EXPECT_EQ(retry.give_up, c.give_up) << c.failures;
    EXPECT_EQ(retry.wait_ms, c.wait_ms) << c.failures;
    EXPECT_EQ(retry.size, c.next) << c.failures;
  }
}

}  // namespace
}  // namespace scope_migrate
