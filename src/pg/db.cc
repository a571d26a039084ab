#include "pg/db.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>

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

std::string RedactConninfo(const std::string& conninfo) {
  std::string out = conninfo;
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t at = out.find('@', scheme);
    const size_t colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
    const size_t query = out.find("password=");
    if (query != std::string::npos) {
      const size_t end = out.find('&', query);
      out.replace(query + 9, (end == std::string::npos ? out.size() : end) - query - 9, "***");
    }
    return out;
  }
  size_t pos = 0;
  while ((pos = out.find("password", pos)) != std::string::npos) {
    size_t eq = pos + 8;
    while (eq < out.size() && out[eq] == ' ') ++eq;
    if (eq >= out.size() || out[eq] != '=') {
      pos = eq;
      continue;
    }
    size_t start = eq + 1;
    while (start < out.size() && out[start] == ' ') ++start;
    size_t end = start;
    if (end < out.size() && out[end] == '\'') {
      ++end;
      while (end < out.size() && out[end] != '\'') end += out[end] == '\\' ? 2 : 1;
      end = std::min(end + 1, out.size());
    } else {
      while (end < out.size() && out[end] != ' ') ++end;
    }
    out.replace(start, end - start, "***");
    pos = start + 3;
  }
  return out;
}

std::unique_ptr<pqxx::connection> Connect(const std::string& conninfo) {
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
