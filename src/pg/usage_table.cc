#include "pg/usage_table.h"

#include <charconv>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "base/errors.h"
#include "base/text_escape.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

// The type of `column` of the table with oid `oid` (no modifier), or 65 at `entry`.
std::string ColumnTypeAt(pqxx::transaction_base& txn, const Layout& layout,
                         const std::string& entry, const std::string& oid,
                         const std::string& table, const std::string& column) {
  const pqxx::result r = txn.exec_params(
      "SELECT format_type(a.atttypid, NULL) FROM pg_attribute a WHERE a.attrelid = $1::oid "
      "AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped",
      oid, column);
  if (r.empty()) {
    throw layout.Error(entry, "column \"" + column + "\" of table \"" + table + "\" does not exist");
  }
  return r[0][0].c_str();
}

bool IsInteger(const std::string& type) {
  return type == "smallint" || type == "integer" || type == "bigint";
}

// The zone of a timestamp `at`: usage.timezone, else keys.timezone; checked by the server.
std::string ZoneOf(pqxx::transaction_base& txn, const Layout& layout, const std::string& what) {
  const UsageTable& usage = *layout.usage;
  const std::optional<std::string>& zone = usage.timezone ? usage.timezone : layout.timezone;
  if (!zone) {
    throw layout.Error("usage.at", what + " is timestamp without time zone: name the zone its "
                                          "values are in (usage: {timezone: UTC}, or "
                                          "keys.timezone), so the window does not depend on the "
                                          "server's TimeZone");
  }
  const bool known =
      txn.exec_params("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)", *zone)[0]
                     [0]
          .as<bool>();
  if (!known) {
    throw layout.Error(usage.timezone ? "usage.timezone" : "keys.timezone",
                       "time zone \"" + *zone +
                           "\" is not known to the server (an IANA name, e.g. UTC or "
                           "Europe/Berlin)");
  }
  return *zone;
}

// The bound `at` as the column compares with it: a timestamptz literal, or for a
// timestamp column the same instant in the column's zone.
std::string Bound(pqxx::transaction_base& txn, const ResolvedUsageTable& usage, Instant at) {
  const std::string instant = txn.quote(FormatUtc(at)) + "::timestamptz";
  if (usage.zone.empty()) return instant;
  return "(" + instant + " AT TIME ZONE " + txn.quote(usage.zone) + ")";
}

std::optional<int64_t> ParseInt(const std::string& text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

ResolvedUsageTable ResolveUsageTable(pqxx::transaction_base& txn, const Layout& layout) {
  const UsageTable& usage = *layout.usage;
  const pqxx::result r = txn.exec_params(
      "SELECT c.oid::text, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.oid = to_regclass($1)",
      QuoteQualified(usage.table));
  if (r.empty()) {
    throw layout.Error("usage.table", "table \"" + usage.table + "\" does not exist");
  }
  const std::string oid = r[0][0].c_str();
  ResolvedUsageTable out;
  const auto type = [&](const char* entry, const std::string& column) {
    return ColumnTypeAt(txn, layout, std::string("usage.") + entry, oid, usage.table, column);
  };
  type("key", usage.key);
  type("method", usage.method);
  type("path", usage.path);
  const std::string at_type = type("at", usage.at);
  const std::string what = "column \"" + usage.at + "\" of table \"" + usage.table + "\"";
  if (at_type == "timestamp without time zone") {
    out.zone = ZoneOf(txn, layout, what);
  } else if (at_type != "timestamp with time zone") {
    throw layout.Error("usage.at", what + " is " + at_type +
                                       ": it must be timestamptz, or timestamp with a zone");
  }
  for (const auto& [entry, column, target] :
       {std::tuple{"status", usage.status, &out.status}, {"count", usage.count, &out.count}}) {
    if (!column) continue;
    const std::string column_type = type(entry, *column);
    if (!IsInteger(column_type)) {
      throw layout.Error(std::string("usage.") + entry,
                         "column \"" + *column + "\" of table \"" + usage.table + "\" is " +
                             column_type + ": " + entry + " must be smallint, integer or bigint");
    }
    *target = QuoteIdentifier(*column);
  }
  out.table = QuoteQualified(usage.table);
  out.key = QuoteIdentifier(usage.key);
  out.method = QuoteIdentifier(usage.method);
  out.path = QuoteIdentifier(usage.path);
  out.at = QuoteIdentifier(usage.at);
  out.description = "table " + std::string(r[0][1].c_str()) + "." +
                    (usage.table.find('.') == std::string::npos
                         ? usage.table
                         : usage.table.substr(usage.table.find('.') + 1));
  return out;
}

std::string UsageTableQuery(pqxx::transaction_base& txn, const ResolvedUsageTable& u,
                            Instant from, Instant until) {
  const std::string instant =
      u.zone.empty() ? "u." + u.at : "(u." + u.at + " AT TIME ZONE " + txn.quote(u.zone) + ")";
  return "SELECT u." + u.key + "::text, u." + u.method + "::text, u." + u.path +
         "::text, (extract(epoch FROM " + instant + ") * 1000000)::int8" +
         (u.status.empty() ? "" : ", u." + u.status) + (u.count.empty() ? "" : ", u." + u.count) +
         " FROM " + u.table + " u WHERE u." + u.at +
         " >= " + Bound(txn, u, from) + " AND u." + u.at + " < " + Bound(txn, u, until);
}

uint64_t ReadUsageTable(pqxx::transaction_base& txn, const ResolvedUsageTable& usage,
                        Instant from, Instant until, UsageVisitor& visitor) {
  auto stream = NeedsPrivilege("SELECT on " + usage.table, [&] {
    return std::make_unique<pqxx::stream_from>(
        txn, "(" + UsageTableQuery(txn, usage, from, until) + ")");
  });
  std::string line;
  std::vector<std::optional<std::string>> fields;
  const std::string none;
  uint64_t rows = 0;
  // Absent columns are not selected: status, when there, is field 4; count follows it.
  const size_t status_at = usage.status.empty() ? 0 : 4;
  const size_t count_at = usage.count.empty() ? 0 : (usage.status.empty() ? 4 : 5);
  const size_t columns = 4 + (status_at ? 1 : 0) + (count_at ? 1 : 0);
  while (stream->get_raw_line(line)) {
    SplitCopyLine(line, fields);
    if (fields.size() != columns || !fields[3]) {
      throw RuntimeFailure("unexpected row from the usage table: " + Printable(line));
    }
    UsageRecord record;
    record.key = fields[0] ? std::string_view(*fields[0]) : std::string_view();
    record.method = fields[1] ? std::string_view(*fields[1]) : std::string_view();
    record.path = fields[2] ? std::string_view(*fields[2]) : std::string_view();
    const auto at = ParseInt(*fields[3]);
    const auto status = status_at && fields[status_at] ? ParseInt(*fields[status_at])
                                                        : std::optional<int64_t>(0);
    const auto count = count_at && fields[count_at] ? ParseInt(*fields[count_at])
                                                    : std::optional<int64_t>(1);
    if (!at || !status || !count) {
      throw RuntimeFailure("unexpected row from the usage table: " + Printable(line));
    }
    if (*count < 1) {
      throw ToolError(kExitInvalidInput,
                      usage.description + ": a row of key \"" +
                          Printable(std::string(record.key)) + "\" has count " +
                          std::to_string(*count) + " (a count is at least 1)");
    }
    record.at = *at;
    record.status = static_cast<int>(*status);
    record.count = static_cast<uint64_t>(*count);
    visitor.Visit(record);
    ++rows;
  }
  stream->complete();
  return rows;
}

}  // namespace scope_migrate
