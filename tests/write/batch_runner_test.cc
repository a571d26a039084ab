// The batch loop's failure mapping, in memory: every way a batch can fail becomes one run
// status, exit code and message naming the batch and its first key. The loop itself is
// tested on PostgreSQL (apply_db_test, production_db_test).
#include "write/batch_runner.h"

#include <gtest/gtest.h>

#include <string>

namespace scope_migrate {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ClassifyFailureTest, StaleKeyStopsAsStaleWithExit4) {
  const StopReason r = ClassifyFailure(ToolError(kExitStalePlan, "key k7 changed"), 3, "k5", false);
  EXPECT_EQ(r.status, RunStatus::kStale);
  EXPECT_EQ(r.error.exit_code(), kExitStalePlan);
  EXPECT_STREQ(r.error.what(), "batch 3 starting at key k5: key k7 changed");
}

TEST(ClassifyFailureTest, InterruptStopsAsInterruptedWith130) {
  const StopReason r =
      ClassifyFailure(ToolError(kExitInterrupted, "stopped by SIGTERM"), 2, "k", true);
  EXPECT_EQ(r.status, RunStatus::kInterrupted);
  EXPECT_EQ(r.error.exit_code(), kExitInterrupted);
  EXPECT_STREQ(r.error.what(), "stopped by SIGTERM");
}

TEST(ClassifyFailureTest, LockTimeoutIsAFailureNamingTheFlag) {
  const pqxx::sql_error e("ERROR:  canceling statement due to lock timeout", "SELECT", "55P03");
  const StopReason r = ClassifyFailure(e, 4, "k9", false);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error.exit_code(), kExitFailure);
  EXPECT_TRUE(
      Contains(r.error.what(), "batch 4 starting at key k9 waited longer than --lock-timeout"))
      << r.error.what();
  EXPECT_TRUE(Contains(r.error.what(), "SQLSTATE 55P03"));
}

TEST(ClassifyFailureTest, StatementTimeoutIsAFailureNamingTheFlag) {
  const pqxx::sql_error e("ERROR:  canceling statement due to statement timeout", "", "57014");
  const StopReason r = ClassifyFailure(e, 1, "k1", false);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_TRUE(Contains(r.error.what(), "ran longer than --statement-timeout")) << r.error.what();
}

TEST(ClassifyFailureTest, CancelAfterASecondSignalIsAnInterrupt) {
  const pqxx::sql_error e("ERROR:  canceling statement due to user request", "", "57014");
  const StopReason r = ClassifyFailure(e, 6, "k6", true);
  EXPECT_EQ(r.status, RunStatus::kInterrupted);
  EXPECT_EQ(r.error.exit_code(), kExitInterrupted);
  EXPECT_TRUE(Contains(r.error.what(), "second signal")) << r.error.what();
}

TEST(ClassifyFailureTest, LostConnectionIsAFailureSayingSo) {
  const pqxx::broken_connection e("server closed the connection unexpectedly");
  const StopReason r = ClassifyFailure(e, 2, "k2", false);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error.exit_code(), kExitFailure);
  EXPECT_TRUE(Contains(r.error.what(), "lost the connection to PostgreSQL during batch 2"))
      << r.error.what();
}

TEST(ClassifyFailureTest, CommitInDoubtSaysTheOutcomeIsUnknown) {
  const pqxx::in_doubt_error e("connection lost during commit");
  const StopReason r = ClassifyFailure(e, 8, "k8", false);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_TRUE(Contains(r.error.what(), "whether it committed is unknown")) << r.error.what();
}

TEST(ClassifyFailureTest, OtherSqlErrorsNameTheirState) {
  const pqxx::sql_error e("ERROR:  duplicate key value\n", "COPY", "23505");
  const StopReason r = ClassifyFailure(e, 1, "k1", false);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_TRUE(
      Contains(r.error.what(), "rolled back whole (SQLSTATE 23505): ERROR:  duplicate key value"))
      << r.error.what();
}

// libpqxx 6.4 leaves sqlstate() empty on the subclasses it throws for some states.
TEST(ClassifyFailureTest, SubclassedSqlErrorsStillNameTheirState) {
  const pqxx::unique_violation e("ERROR:  duplicate key value violates unique constraint");
  const StopReason r = ClassifyFailure(e, 1, "k1", false);
  EXPECT_TRUE(Contains(r.error.what(), "(SQLSTATE 23505)")) << r.error.what();
}

TEST(ClassifyFailureTest, AnythingElseIsAnUnexpectedFailure) {
  const std::runtime_error e("boom");
  const StopReason r = ClassifyFailure(e, 5, "k5", false);
  EXPECT_EQ(r.status, RunStatus::kFailed);
  EXPECT_EQ(r.error.exit_code(), kExitFailure);
  EXPECT_STREQ(r.error.what(), "batch 5 starting at key k5 failed with an unexpected error: boom");
}

}  // namespace
}  // namespace scope_migrate
