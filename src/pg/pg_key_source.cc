#include "pg/pg_key_source.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "base/errors.h"
#include "pg/db.h"
#include "pg/key_columns.h"
#include "pg/pg_text.h"

namespace scope_migrate {

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

namespace {

// The values of `values` no row of the keys table has in `column`, in the order given.
std::vector<std::string> Unmatched(pqxx::transaction_base& txn, const ResolvedLayout& l,
                                   const std::string& column,
                                   const std::vector<std::string>& values) {
  std::vector<std::string> out;
  if (values.empty()) return out;
  std::string array;
  for (const auto& v : values) array += (array.empty() ? "" : ", ") + txn.quote(v);
  const pqxx::result rows =
      txn.exec("SELECT t.v FROM unnest(ARRAY[" + array + "]::text[]) WITH ORDINALITY AS t(v, n) " +
               "WHERE NOT EXISTS (SELECT 1 FROM " + l.keys + " k WHERE k." + column +
               "::text = t.v) ORDER BY t.n");
  for (const auto& row : rows) out.push_back(row[0].c_str());
  return out;
}

// What the filter's values match in the whole keys table (any cutoff); `selected` is how
// many keys pass the filter.
FilterMisses FindMisses(pqxx::transaction_base& txn, const ResolvedLayout& l,
                        const KeyFilter& filter, uint64_t selected) {
  FilterMisses misses;
  misses.ids = Unmatched(txn, l, l.id, filter.ids);
  if (!l.tenant.empty()) misses.tenants = Unmatched(txn, l, l.tenant, filter.tenants);
  if (!misses.tenants.empty()) {
    const pqxx::result rows = txn.exec("SELECT DISTINCT k." + l.tenant + "::text FROM " + l.keys +
                                       " k WHERE k." + l.tenant + " IS NOT NULL LIMIT 100000");
    for (const auto& row : rows) misses.tenants_seen.push_back(row[0].c_str());
  }
  misses.none_selected = selected == 0;
  return misses;
}

constexpr uint64_t kDoubledNoted = 5;  // ids of keys holding a scope twice, kept for a note

bool HasDuplicate(const std::vector<std::string>& values) {
  if (values.size() <= 16) {  // the usual case: no copy
    for (size_t i = 0; i < values.size(); ++i) {
      for (size_t j = i + 1; j < values.size(); ++j) {
        if (values[i] == values[j]) return true;
      }
    }
    return false;
  }
  std::vector<std::string> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

// Text ids in byte order, whatever the database's collation: the order a plan's key lines
// must follow (plan_check.h). Integer and uuid ids keep their own order (and their index).
std::string IdOrderCollation(const std::string& id_type) {
  for (const char* text : {"text", "character varying", "character", "varchar"}) {
    if (id_type.rfind(text, 0) == 0) return " COLLATE \"C\"";
  }
  return "";
}

}  // namespace

std::string LegacyKeysQuery(pqxx::transaction_base& txn, const ResolvedLayout& l, Instant cutoff,
                            const KeyFilter& filter) {
  const std::string cutoff_sql = txn.quote(FormatUtc(cutoff)) + "::timestamptz";
  // A few keys: look their roles and scopes up key by key through the indexes. All keys:
  // aggregate each table once and join. The lists come unsorted (sorting them is cheaper
  // here than in the server, bench/README.md); NULL stands for no rows.
  const KeyColumnsSql columns =
      RolesAndScopesSql(l, filter.empty() ? Reach::kAllKeys : Reach::kEachKey, false);
  // created_at as exact epoch seconds (numeric text); the same instant as the filter.
  return "SELECT k." + l.id + "::text, " +
         (l.tenant.empty() ? "NULL::text" : "k." + l.tenant + "::text") + ", " +
         (l.name.empty() ? "NULL::text" : "k." + l.name + "::text") + ", extract(epoch FROM " +
         l.created_at_instant + "), " + l.revoked + ", " + columns.select + " FROM " + l.keys +
         " k" + columns.joins + " WHERE (" + l.created_at_instant + " < " + cutoff_sql + " OR " +
         l.created_at_instant + " IS NULL)" + FilterSql(txn, l, filter, "k") + " ORDER BY k." +
         l.id + IdOrderCollation(l.id_type);
}

PgKeySource::PgKeySource(pqxx::connection& conn, Layout layout, Timeouts timeouts)
    : conn_(conn),
      layout_(std::move(layout)),
      timeouts_(timeouts),
      source_(DescribeConnection(conn).Url()),
      identity_(ReadSourceIdentity(conn)) {}

PgKeySource::PgKeySource(pqxx::connection& conn, ResolvedLayout resolved, Timeouts timeouts)
    : conn_(conn),
      resolved_(std::move(resolved)),
      timeouts_(timeouts),
      source_(DescribeConnection(conn).Url()),
      identity_(ReadSourceIdentity(conn)) {}

SourceIdentity ReadSourceIdentity(pqxx::connection& conn) {
  pqxx::read_transaction txn(conn, "identity");
  const pqxx::row r = txn.exec(
      "SELECT current_database(), CASE WHEN has_function_privilege("
      "'pg_catalog.pg_control_system()', 'EXECUTE') THEN (SELECT system_identifier::text FROM "
      "pg_catalog.pg_control_system()) END")[0];
  txn.commit();
  return SourceIdentity{r[1].is_null() ? "" : r[1].c_str(), r[0].c_str()};
}

void PgKeySource::Read(Instant cutoff, const KeyFilter& filter, KeyVisitor& visitor) {
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn(conn_, "plan");
  SetLocalTimeouts(txn, timeouts_);
  // One long streaming query: JIT compilation costs more (0.3 s a run, measured) than it
  // saves on per-row subqueries.
  txn.exec("SET LOCAL jit = off");
  const ResolvedLayout l = resolved_ ? *resolved_ : Resolve(txn, layout_);
  const std::string cutoff_sql = txn.quote(FormatUtc(cutoff)) + "::timestamptz";
  const std::string& created = l.created_at_instant;
  const pqxx::result counts = NeedsPrivilege("SELECT on " + l.keys, [&] {
    return txn.exec("SELECT count(*) FILTER (WHERE " + created + " < " + cutoff_sql + " OR " +
                    created + " IS NULL), count(*) FILTER (WHERE " + created + " >= " + cutoff_sql +
                    ") FROM " + l.keys + " k WHERE true" + FilterSql(txn, l, filter, "k"));
  });
  const uint64_t legacy = counts[0][0].as<uint64_t>(), excluded = counts[0][1].as<uint64_t>();
  if (!filter.empty() && filter.refuse_unmatched) {
    RefuseUnmatched(FindMisses(txn, l, filter, legacy + excluded), filter,
                    "the keys table " + l.keys);
  }
  visitor.Begin(legacy, excluded);

  auto stream = NeedsPrivilege("SELECT on " + ReadObjects(l), [&] {
    return std::make_unique<pqxx::stream_from>(txn,
                                               "(" + LegacyKeysQuery(txn, l, cutoff, filter) + ")");
  });
  std::string line;
  std::vector<std::optional<std::string>> fields;
  KeyRecord key;
  while (stream->get_raw_line(line)) {
    SplitCopyLine(line, fields);
    if (fields.size() != 9 || !fields[0] || !fields[4]) {
      throw RuntimeFailure("unexpected row from the key query: " + line);
    }
    key.id = std::move(*fields[0]);
    key.tenant = std::move(fields[1]);
    key.name = std::move(fields[2]);
    key.created_at.reset();
    if (fields[3]) {
      key.created_at = ParseEpochSeconds(*fields[3]);
      if (!key.created_at) throw RuntimeFailure("unexpected created_at from the database: " + line);
    }
    key.revoked = *fields[4] == "t";
    key.unreadable = ReadRoles(l, fields[5], fields[6], key.roles);
    std::sort(key.roles.begin(), key.roles.end());  // byte order, as fixtures sort
    const std::string scopes_error = ReadScopes(l, fields[7], key.scopes);
    if (HasDuplicate(key.scopes) && ++doubled_count_ <= kDoubledNoted) doubled_.push_back(key.id);
    if (key.unreadable.empty()) key.unreadable = scopes_error;
    visitor.Visit(key);
  }
  stream->complete();
  if (after_keys_) after_keys_(txn);
  txn.commit();
}

}  // namespace scope_migrate
