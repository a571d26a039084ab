// The batch loop's failure mapping, in memory: every way a batch can fail becomes one run
// status, exit code and message naming the batch and its first key. The loop itself is
// tested on PostgreSQL (apply_db_test, production_db_test).
#include "write/batch_runner.h"

#include <gtest/gtest.h>

#include <string>

#include "base/progress.h"
#include "pg/db_errors.h"

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

TEST(ProgressLineTest, SaysCountRateEtaBatchAndNote) {
  EXPECT_EQ(Progress::Line("apply", 120, 1200, 2.0, 3, ""),
            "apply 120/1200 keys (10.0%)  60 keys/s  ETA 0:18  batch 3");
  EXPECT_EQ(Progress::Line("plan", 0, 50, 0.0, 0, "pausing 2s"),
            "plan 0/50 keys (0.0%)  0 keys/s  ETA --  pausing 2s");
  EXPECT_EQ(Progress::Line("rollback", 7, 0, 1.0, 1, ""),
            "rollback 7/0 keys (100.0%)  7 keys/s  ETA --  batch 1");
}

}  // namespace
}  // namespace scope_migrate

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

TEST(DbErrorTest, ClassifiesEachLibpqxxFailureBeforeSqlError) {
  const DbError in_doubt = ClassifyDbError(pqxx::in_doubt_error("lost during COMMIT\n"));
  EXPECT_EQ(in_doubt.kind, DbErrorKind::kInDoubt);
  EXPECT_EQ(in_doubt.message, "lost during COMMIT");
  EXPECT_EQ(ClassifyDbError(pqxx::broken_connection("gone")).kind, DbErrorKind::kConnectionLost);
  const DbError serial = ClassifyDbError(pqxx::serialization_failure("could not serialize"));
  EXPECT_EQ(serial.kind, DbErrorKind::kTransactionRollback);
  EXPECT_EQ(serial.sqlstate, "40001");
  const DbError lock =
      ClassifyDbError(pqxx::sql_error("ERROR:  lock timeout\n", "SELECT 1", "55P03"));
  EXPECT_EQ(lock.kind, DbErrorKind::kSql);
  EXPECT_EQ(lock.sqlstate, "55P03");
  EXPECT_EQ(lock.exit_code, kExitFailure);
  EXPECT_EQ(ClassifyDbError(pqxx::insufficient_privilege("denied", "")).sqlstate, "42501");
  const DbError tool = ClassifyDbError(ToolError(kExitStalePlan, "stale"));
  EXPECT_EQ(tool.kind, DbErrorKind::kNotDatabase);
  EXPECT_EQ(tool.exit_code, kExitStalePlan);
  EXPECT_EQ(tool.sqlstate, "");
}

}  // namespace
}  // namespace scope_migrate
