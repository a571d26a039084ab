// The one classifier of failures at the libpqxx boundary: what kind of failure an exception
// is, its SQLSTATE and its text, as a plain struct. Every caller that must tell database
// failures apart (DbFailure, NeedsPrivilege, the batch loop, the lease) asks here instead
// of catching pqxx types itself, so the order of the checks lives in one place:
// in_doubt_error, broken_connection and transaction_rollback (serialization failure,
// deadlock; not sql_errors in libpqxx 6.4) before sql_error. Pure: it never touches a
// connection, and the wording for a person stays with the callers.
#pragma once

#include <exception>
#include <string>

namespace scope_migrate {

enum class DbErrorKind {
  kNotDatabase,          // not a libpqxx failure (a ToolError, std::bad_alloc, ...)
  kInDoubt,              // the connection broke during COMMIT: outcome unknown
  kConnectionLost,       // broken_connection
  kTransactionRollback,  // serialization failure or deadlock: the server rolled back
  kSql,                  // any other statement error, with its SQLSTATE when known
  kOtherDatabase,        // another libpqxx failure (usage, conversion, ...)
};

struct DbError {
  DbErrorKind kind = DbErrorKind::kNotDatabase;
  std::string sqlstate;  // "" when unknown
  std::string message;   // the exception's text without trailing newlines and spaces
  int exit_code = 1;     // a ToolError's own code; kExitFailure for everything else
};

DbError ClassifyDbError(const std::exception& error);

// The SQLSTATE of a pqxx::sql_error or transaction_rollback, or "" for anything else.
std::string SqlState(const std::exception& error);

}  // namespace scope_migrate
