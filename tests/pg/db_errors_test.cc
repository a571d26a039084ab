#include "pg/db_errors.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "base/errors.h"
#include "base/exit_codes.h"

namespace scope_migrate {
namespace {

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
