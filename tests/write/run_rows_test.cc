#include "write/run_rows.h"

#include <gtest/gtest.h>

#include <optional>
#include <utility>

namespace scope_migrate {
namespace {

TEST(RunStatusTest, EveryStatusAndKindRoundTripsThroughItsTableText) {
  const std::pair<RunStatus, const char*> statuses[] = {
      {RunStatus::kRunning, "running"},         {RunStatus::kSucceeded, "succeeded"},
      {RunStatus::kFailed, "failed"},           {RunStatus::kStale, "stale"},
      {RunStatus::kInterrupted, "interrupted"}, {RunStatus::kRolledBack, "rolled-back"}};
  for (const auto& [status, text] : statuses) {
    EXPECT_STREQ(ToString(status), text);
    EXPECT_EQ(ParseRunStatus(text), status);
  }
  EXPECT_EQ(ParseRunStatus("rolled_back"), std::nullopt);
  EXPECT_STREQ(ToString(RunKind::kApply), "apply");
  EXPECT_STREQ(ToString(RunKind::kRollback), "rollback");
  EXPECT_EQ(ParseRunKind("rollback"), RunKind::kRollback);
  EXPECT_EQ(ParseRunKind("Apply"), std::nullopt);
}

}  // namespace
}  // namespace scope_migrate
