#include "pg_key_source.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "errors.h"

namespace scope_migrate {

std::vector<std::string> ParseTextArray(const std::string& literal) {
  // The server's output form of a one-dimensional text[]: {a,"b c","d\"e",NULL}. Elements
  // are quoted when they hold special characters, with \ escaping " and \ inside quotes.
  std::vector<std::string> out;
  const size_t n = literal.size();
  if (n < 2 || literal.front() != '{' || literal.back() != '}') {
    throw RuntimeFailure("unexpected array from the database: " + literal);
  }
  size_t i = 1;
  while (i < n - 1) {
    std::string value;
    if (literal[i] == '"') {
      ++i;
      while (i < n - 1 && literal[i] != '"') {
        if (literal[i] == '\\' && i + 1 < n - 1) ++i;
        value.push_back(literal[i++]);
      }
      ++i;  // closing quote
      out.push_back(std::move(value));
    } else {
      const size_t end = literal.find(',', i);
      const size_t stop = end == std::string::npos ? n - 1 : end;
      value.assign(literal, i, stop - i);
      if (value != "NULL") out.push_back(std::move(value));
      i = stop;
    }
    if (i < n - 1 && literal[i] == ',') ++i;
  }
  return out;
}

void SplitCopyLine(const std::string& line, std::vector<std::optional<std::string>>& fields) {
  fields.clear();
  std::string field;
  bool null = false;
  size_t i = 0;
  const size_t n = line.size() && line.back() == '\n' ? line.size() - 1 : line.size();
  auto finish = [&] {
    if (null) {
      fields.emplace_back(std::nullopt);
    } else {
      fields.emplace_back(std::move(field));
    }
    field.clear();
    null = false;
  };
  for (; i < n; ++i) {
    // Copy the run up to the next tab or backslash in one go.
    size_t run = i;
    while (run < n && line[run] != '\t' && line[run] != '\\') ++run;
    if (run > i) {
      field.append(line, i, run - i);
      i = run;
      if (i == n) break;
    }
    const char c = line[i];
    if (c == '\t') {
      finish();
    } else if (c == '\\' && i + 1 < n) {
      const char e = line[++i];
      switch (e) {
        case 'N':
          null = true;
          break;
        case 't':
          field.push_back('\t');
          break;
        case 'n':
          field.push_back('\n');
          break;
        case 'r':
          field.push_back('\r');
          break;
        case 'b':
          field.push_back('\b');
          break;
        case 'f':
          field.push_back('\f');
          break;
        case 'v':
          field.push_back('\v');
          break;
        case 'x': {
          int value = 0, digits = 0;
          while (digits < 2 && i + 1 < n &&
                 std::isxdigit(static_cast<unsigned char>(line[i + 1]))) {
            const char h = line[++i];
            value = value * 16 + (std::isdigit(static_cast<unsigned char>(h))
                                      ? h - '0'
                                      : (std::tolower(h) - 'a' + 10));
            ++digits;
          }
          field.push_back(static_cast<char>(value));
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int value = e - '0', digits = 1;
            while (digits < 3 && i + 1 < n && line[i + 1] >= '0' && line[i + 1] <= '7') {
              value = value * 8 + (line[++i] - '0');
              ++digits;
            }
            field.push_back(static_cast<char>(value));
          } else {
            field.push_back(e);
          }
      }
    } else {
      field.push_back(c);
    }
  }
  finish();
}

std::string FilterSql(pqxx::transaction_base& txn, const ResolvedLayout& layout,
                      const KeyFilter& filter, const std::string& alias) {
  auto list = [&txn](const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ", ") + txn.quote(v);
    return out;
  };
  std::string sql;
  if (!filter.tenants.empty()) {
    if (layout.tenant.empty())
      throw UsageError("--tenant needs a tenant column, and the layout has none");
    sql += " AND " + alias + "." + layout.tenant + "::text IN (" + list(filter.tenants) + ")";
  }
  if (!filter.ids.empty())
    sql += " AND " + alias + "." + layout.id + "::text IN (" + list(filter.ids) + ")";
  return sql;
}

std::string LegacyKeysQuery(pqxx::transaction_base& txn, const ResolvedLayout& l, Instant cutoff,
                            const KeyFilter& filter) {
  const std::string cutoff_sql = txn.quote(FormatUtc(cutoff)) + "::timestamptz";
  const std::string head = "SELECT k." + l.id + "::text, " +
                           (l.tenant.empty() ? "NULL::text" : "k." + l.tenant + "::text") +
                           ", (floor(extract(epoch FROM k." + l.created_at +
                           ") * 1000000))::bigint, k." + l.revoked_at + " IS NOT NULL, ";
  const std::string where = " WHERE (k." + l.created_at + " < " + cutoff_sql + " OR k." +
                            l.created_at + " IS NULL)" + FilterSql(txn, l, filter, "k") +
                            " ORDER BY k." + l.id;
  if (!filter.empty()) {
    // A few keys: look their roles and scopes up key by key through the indexes.
    return head + "ARRAY(SELECT r." + l.role + "::text FROM " + l.roles + " r WHERE r." +
           l.roles_key + " = k." + l.id + " ORDER BY 1), ARRAY(SELECT s." + l.scope +
           "::text FROM " + l.scopes + " s WHERE s." + l.scopes_key + " = k." + l.id +
           " ORDER BY 1) FROM " + l.keys + " k" + where;
  }
  // All keys: aggregate each table once and join, which the server does about 1.3 to 1.5
  // times faster than a lookup per key (bench/README.md). Same rows, same bytes.
  return head + "coalesce(r.roles, '{}'), coalesce(s.scopes, '{}') FROM " + l.keys +
         " k LEFT JOIN (SELECT " + l.roles_key + " AS key, array_agg(" + l.role +
         "::text ORDER BY " + l.role + "::text) AS roles FROM " + l.roles +
         " GROUP BY 1) r ON r.key = k." + l.id + " LEFT JOIN (SELECT " + l.scopes_key +
         " AS key, array_agg(" + l.scope + "::text ORDER BY " + l.scope +
         "::text) AS scopes FROM " + l.scopes + " GROUP BY 1) s ON s.key = k." + l.id + where;
}

PgKeySource::PgKeySource(pqxx::connection& conn, Layout layout, Timeouts timeouts)
    : conn_(conn),
      layout_(std::move(layout)),
      timeouts_(timeouts),
      source_(DescribeConnection(conn).Url()) {}

void PgKeySource::Read(Instant cutoff, const KeyFilter& filter, KeyVisitor& visitor) {
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn(conn_, "plan");
  SetLocalTimeouts(txn, timeouts_);
  // One long streaming query: JIT compilation costs more (0.3 s a run, measured) than it
  // saves on per-row subqueries.
  txn.exec("SET LOCAL jit = off");
  const ResolvedLayout l = Resolve(txn, layout_);
  const std::string cutoff_sql = txn.quote(FormatUtc(cutoff)) + "::timestamptz";
  const pqxx::result counts = txn.exec(
      "SELECT count(*) FILTER (WHERE k." + l.created_at + " < " + cutoff_sql + " OR k." +
      l.created_at + " IS NULL), count(*) FILTER (WHERE k." + l.created_at + " >= " + cutoff_sql +
      ") FROM " + l.keys + " k WHERE true" + FilterSql(txn, l, filter, "k"));
  visitor.Begin(counts[0][0].as<uint64_t>(), counts[0][1].as<uint64_t>());

  pqxx::stream_from stream(txn, "(" + LegacyKeysQuery(txn, l, cutoff, filter) + ")");
  std::string line;
  std::vector<std::optional<std::string>> fields;
  KeyRecord key;
  while (stream.get_raw_line(line)) {
    SplitCopyLine(line, fields);
    if (fields.size() != 6 || !fields[0] || !fields[3] || !fields[4] || !fields[5]) {
      throw RuntimeFailure("unexpected row from the key query: " + line);
    }
    key.id = std::move(*fields[0]);
    key.tenant = std::move(fields[1]);
    key.created_at.reset();
    if (fields[2]) key.created_at = std::stoll(*fields[2]);
    key.revoked = *fields[3] == "t";
    key.roles = ParseTextArray(*fields[4]);
    std::sort(key.roles.begin(), key.roles.end());  // byte order, as fixtures sort
    key.scopes = ParseTextArray(*fields[5]);
    visitor.Visit(key);
  }
  stream.complete();
  txn.commit();
}

}  // namespace scope_migrate
