#include "pg/db.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/did_you_mean.h"
#include "base/errors.h"
#include "base/string_lists.h"

namespace scope_migrate {

DbTarget DescribeConninfo(const std::string& conninfo) {
  DbTarget target;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  PQconninfoOption* defaults = PQconndefaults();  // PG* variables and built-in defaults
  auto value = [&](const char* keyword) -> std::string {
    for (PQconninfoOption* list : {options, defaults}) {
      for (PQconninfoOption* o = list; o != nullptr && o->keyword != nullptr; ++o) {
        if (std::string(o->keyword) == keyword && o->val != nullptr && *o->val != '\0')
          return o->val;
      }
    }
    return "";
  };
  target.host = value("host");
  if (target.host.empty()) target.host = value("hostaddr");
  if (target.host.empty()) target.host = "localhost";
  target.port = value("port");
  if (target.port.empty()) target.port = "5432";
  target.dbname = value("dbname");
  if (target.dbname.empty()) target.dbname = value("user");
  if (options != nullptr) PQconninfoFree(options);
  if (defaults != nullptr) PQconninfoFree(defaults);
  return target;
}

namespace {

// A value as the keyword form reads it back: bare when it has no whitespace, quote or
// backslash, else single-quoted with ' and \ escaped.
std::string KeywordValue(const std::string& value) {
  const bool bare = !value.empty() && std::none_of(value.begin(), value.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '\\';
  });
  if (bare) return value;
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string ConninfoOf(const std::string& value) {
  if (value.empty() || value.find('=') != std::string::npos ||
      value.rfind("postgresql://", 0) == 0 || value.rfind("postgres://", 0) == 0)
    return value;
  std::string quoted = "dbname='";
  for (char c : value)
    quoted += (c == '\'' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return quoted + "'";
}

namespace {

// Whether libpq treats `option` as a secret: its display character "*" (password,
// sslpassword, and any such keyword a later libpq adds), or one of those two by name.
bool IsSecret(const PQconninfoOption& option) {
  const std::string keyword = option.keyword;
  return keyword == "password" || keyword == "sslpassword" ||
         (option.dispchar != nullptr &&
          std::string(option.dispchar).find('*') != std::string::npos);
}

}  // namespace

std::string RedactConninfo(const std::string& conninfo) {
  // libpq reads up to the first NUL: what follows one (a password, say) would be neither
  // parsed nor masked, yet printed or stored with the rest.
  if (conninfo.find('\0') != std::string::npos) return kUnparsableConninfo;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return kUnparsableConninfo;
  bool has_secret = false;
  std::string rebuilt;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const bool secret = IsSecret(*o);
    has_secret = has_secret || secret;
    if (!rebuilt.empty()) rebuilt += ' ';
    rebuilt += std::string(o->keyword) + "=" + (secret ? "***" : KeywordValue(o->val));
  }
  PQconninfoFree(options);
  // Without a secret (as libpq reads it) the text is shown as typed; with one, it is
  // rebuilt from what libpq parsed, so no spelling of the keyword or the value can slip by.
  return has_secret ? rebuilt : conninfo;
}

const char* StoredConninfoProblem(const std::string& conninfo) {
  for (const char c : conninfo) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return "a control character in the connection string (not shown); write it on one line "
             "of printable characters";
    }
  }
  const std::string shown = RedactConninfo(conninfo);
  if (shown == kUnparsableConninfo) return "libpq cannot parse this connection string (not shown)";
  if (shown != conninfo) {
    return "a password in the connection string (not shown); give it in ~/.pgpass or "
           "PGPASSFILE instead";
  }
  return nullptr;
}

namespace {

// libpq's keywords (PQconndefaults), for a did-you-mean on a misspelt one.
std::vector<std::string> ConninfoKeywords() {
  std::vector<std::string> out;
  PQconninfoOption* defaults = PQconndefaults();
  for (PQconninfoOption* o = defaults; o != nullptr && o->keyword != nullptr; ++o) {
    out.emplace_back(o->keyword);
  }
  if (defaults != nullptr) PQconninfoFree(defaults);
  return out;
}

// A conninfo libpq cannot parse is a usage error (64), said before any connection is
// tried; a misspelt keyword (`prt=5432`) gets the nearest real one.
void CheckConninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options != nullptr) PQconninfoFree(options);
  if (error == nullptr) return;
  const std::string reason = TrimTrailing(error);
  PQfreemem(error);
  std::string hint;
  const size_t open = reason.find('"'), close = reason.rfind('"');
  if (open != std::string::npos && close > open) {
    const auto near = DidYouMean(reason.substr(open + 1, close - open - 1), ConninfoKeywords());
    if (near) hint = "; did you mean \"" + *near + "\"?";
  }
  throw UsageError("--db: " + reason + hint);
}

}  // namespace

std::unique_ptr<pqxx::connection> Connect(const std::string& conninfo) {
  CheckConninfo(conninfo);
  try {
    return std::make_unique<pqxx::connection>(conninfo);
  } catch (const std::exception& e) {
    const DbTarget target = DescribeConninfo(conninfo);
    const std::string reason = TrimTrailing(e.what());
    throw RuntimeFailure("cannot connect to PostgreSQL at host " + target.host + " port " +
                         target.port + " database " + target.dbname + ": " + reason);
  }
}

DbTarget DescribeConnection(pqxx::connection& conn) {
  DbTarget target;
  const char* host = conn.hostname();
  target.host = host != nullptr && *host != '\0' ? host : "localhost";
  const char* port = conn.port();
  target.port = port != nullptr ? port : "";
  const char* db = conn.dbname();
  target.dbname = db != nullptr ? db : "";
  return target;
}

std::optional<std::string> FieldText(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return std::string(field.c_str(), field.size());
}

void SetLocalTimeouts(pqxx::transaction_base& txn, const Timeouts& timeouts) {
  txn.exec("SET LOCAL lock_timeout = " +
           txn.quote(std::to_string(timeouts.lock_timeout_ms) + "ms"));
  // Without --statement-timeout the role's or database's own setting stays in force.
  if (timeouts.statement_timeout_ms) {
    txn.exec("SET LOCAL statement_timeout = " +
             txn.quote(std::to_string(*timeouts.statement_timeout_ms) + "ms"));
  }
}

ToolError PermissionDenied(const std::exception& error, const std::string& needs) {
  std::string message = FirstLine(error.what());
  if (message.rfind("ERROR:  ", 0) == 0) message.erase(0, 8);
  return RuntimeFailure(message + " (SQLSTATE 42501): this needs " + needs +
                        ". `scope-migrate audit-sql --grant-to ROLE` prints the GRANTs each "
                        "command needs, for a DBA to run once");
}

void RefuseReadOnlyServer(pqxx::connection& conn, const std::string& command) {
  // A plain transaction, so transaction_read_only says what writes would meet.
  pqxx::work txn(conn, "server_role");
  const pqxx::row r =
      txn.exec("SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on'")[0];
  txn.abort();
  const std::string server = DescribeConnection(conn).Url();
  if (r[0].as<bool>()) {
    throw RuntimeFailure("the server at " + server +
                         " is a hot standby (in recovery): it takes no writes, so " + command +
                         " wrote nothing. Connect to the primary (plan works on a standby)");
  }
  if (r[1].as<bool>()) {
    throw RuntimeFailure("the server at " + server +
                         " runs read-only transactions (transaction_read_only is on), so " +
                         command + " wrote nothing. Connect to a server that takes writes");
  }
}

ToolError DbFailure(const std::exception& error, const std::string& purpose) {
  const DbError db = ClassifyDbError(error);
  switch (db.kind) {
    case DbErrorKind::kInDoubt:
      return RuntimeFailure(purpose +
                            ": the connection broke during COMMIT, so its outcome is "
                            "unknown; re-running the same command checks and finishes the work (" +
                            db.message + ")");
    case DbErrorKind::kConnectionLost:
      return RuntimeFailure(purpose + ": lost the connection to PostgreSQL (" + db.message + ")");
    case DbErrorKind::kSql:
      if (!db.sqlstate.empty()) {
        return RuntimeFailure(purpose + " failed (SQLSTATE " + db.sqlstate + "): " + db.message);
      }
      break;
    default:
      break;
  }
  return RuntimeFailure(purpose + " failed: " + db.message);
}

}  // namespace scope_migrate
