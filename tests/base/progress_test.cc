// The progress status line (count, rate, ETA, batch, note), as a pure function of its numbers.
#include "base/progress.h"

#include <gtest/gtest.h>

namespace scope_migrate {
namespace {

TEST(ProgressLineTest, SaysCountRateEtaBatchAndNote) {
  EXPECT_EQ(Progress::Line("apply", 120, 1200, 2.0, 3, ""),
            "apply 120/1200 keys (10.0%)  60 keys/s  ETA 0:18  batch 3");
  EXPECT_EQ(Progress::Line("plan", 0, 50, 0.0, 0, "pausing 2s"),
            "plan 0/50 keys (0.0%)  0 keys/s  ETA --  pausing 2s");
  EXPECT_EQ(Progress::Line("rollback", 7, 0, 1.0, 1, ""),
            "rollback 7/0 keys (100.0%)  7 keys/s  ETA --  batch 1");
  EXPECT_EQ(Progress::Line("apply", 120, 1200, 2.0, 3, "", "40 keys in 190ms"),
            "apply 120/1200 keys (10.0%)  60 keys/s  ETA 0:18  batch 3 (40 keys in 190ms)");
}

}  // namespace
}  // namespace scope_migrate
