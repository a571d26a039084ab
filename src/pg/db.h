// The PostgreSQL adapter boundary: connecting, describing the server without the password,
// per-transaction timeouts, and turning libpqxx exceptions into ToolError with the SQLSTATE
// and the purpose of the statement. Which failure an exception is, is decided once, by
// ClassifyDbError (db_errors.h): code above pg/ never names a pqxx exception type; it
// catches std::exception and asks the classifier or DbFailure.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "base/errors.h"
#include "base/timeouts.h"
#include "pg/db_errors.h"

namespace scope_migrate {

// host, port and database of a conninfo string or URI (PG* variables and libpq defaults
// fill the gaps). Never includes the password.
struct DbTarget {
  std::string host;
  std::string port;
  std::string dbname;
  std::string Url() const { return "postgresql://" + host + ":" + port + "/" + dbname; }
};

DbTarget DescribeConninfo(const std::string& conninfo);

// What RedactConninfo shows for text libpq cannot parse (it could hold a password anywhere).
inline constexpr char kUnparsableConninfo[] = "(connection string libpq cannot parse, not shown)";

// The conninfo as it may be printed or stored: the one place a connection string is
// redacted. Parsed by libpq's PQconninfoParse, so every form libpq accepts is covered
// (keyword form, URI userinfo and query, percent-encoded keys, escapes): without a secret
// it is returned as typed; with one (password, sslpassword: every option libpq itself
// hides) it is rebuilt in keyword form from the parsed options with each secret as ***;
// text libpq rejects, or holding a NUL byte (libpq would stop reading there, the rest
// unseen), becomes kUnparsableConninfo. A caller that must refuse a secret compares the
// result with its input: they differ exactly when there is one or the text is unreadable.
std::string RedactConninfo(const std::string& conninfo);

// Why a conninfo may not be kept in a file (a targets file, a fleet's index.json, whose
// text also goes on a child's command line), or nullptr when it may: it holds a secret
// (passwords go in ~/.pgpass or PGPASSFILE), a control character (a NUL hides what follows
// it from libpq; others forge lines where it is shown), or text libpq cannot parse. The
// reason never quotes the text.
const char* StoredConninfoProblem(const std::string& conninfo);

// A --db value (or a fleet target's db:) as libpq takes it: a bare word (no "=", not a
// URI) is a database name, as psql -d takes it; anything else is passed on as it is.
std::string ConninfoOf(const std::string& db_argument);

// Connects, or throws ToolError(1) naming host and port. A conninfo libpq cannot parse is
// ToolError(64) before any connection: libpq's reason and, for a misspelt keyword
// (`prt=5432`), the nearest of libpq's keywords.
std::unique_ptr<pqxx::connection> Connect(const std::string& conninfo);

// The connection's own host, port and database, as the report's "source".
DbTarget DescribeConnection(pqxx::connection& conn);

// SET LOCAL lock_timeout / statement_timeout. Every transaction the tool opens calls it
// first, except RefuseReadOnlyServer's probe below: one statement that reads settings,
// no table and takes no lock, before any transaction of the command.
void SetLocalTimeouts(pqxx::transaction_base& txn, const Timeouts& timeouts);

// A field's text, all of its bytes; absent for NULL.
std::optional<std::string> FieldText(const pqxx::field& field);

// What went wrong, for a person: purpose, SQLSTATE and the server's message.
// A lost connection and an unknown commit outcome get their own wording.
ToolError DbFailure(const std::exception& error, const std::string& purpose);

// A permission error (SQLSTATE 42501) as a person needs it: the server's words, what the
// statement needs (`needs`, e.g. "INSERT on "public"."api_key_scopes"") and where the
// GRANTs are (`scope-migrate audit-sql --grant-to ROLE`). ToolError(1).
ToolError PermissionDenied(const std::exception& error, const std::string& needs);

// Runs `f`, turning a permission error into PermissionDenied(needs).
template <typename F>
auto NeedsPrivilege(const std::string& needs, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const pqxx::sql_error& e) {
    if (SqlState(e) != "42501") throw;
    throw PermissionDenied(e, needs);
  }
}

// Refuses to write to a server that cannot take writes: a hot standby (in recovery) or
// one whose transactions are read-only. ToolError(1) naming the server, before anything
// is written.
void RefuseReadOnlyServer(pqxx::connection& conn, const std::string& command);

}  // namespace scope_migrate
