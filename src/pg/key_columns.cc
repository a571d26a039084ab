#include "pg/key_columns.h"

#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

// A column of the keys table as the text its format parses.
std::string ColumnText(const std::string& column, const ColumnFormat& format) {
  return format.format == ValueFormat::kArray ? "to_json(k." + column + ")::text"
                                              : "k." + column + "::text";
}

// Joins `body` (an aggregate over rows aliased by its tables, keyed by `key`) as `alias`:
// grouped once for all keys, or looked up per key.
std::string JoinAggregate(Reach reach, const std::string& alias, const std::string& key,
                          const std::string& aggregates, const std::string& from,
                          const std::string& id) {
  if (reach == Reach::kAllKeys) {
    return " LEFT JOIN (SELECT " + key + " AS key, " + aggregates + " FROM " + from +
           " GROUP BY 1) " + alias + " ON " + alias + ".key = k." + id;
  }
  return " LEFT JOIN LATERAL (SELECT " + aggregates + " FROM " + from + " WHERE " + key + " = k." +
         id + ") " + alias + " ON true";
}

// The roles field and the unresolved field, adding any join to `joins`.
std::pair<std::string, std::string> RolesSql(const ResolvedLayout& l, Reach reach,
                                             std::string& joins) {
  switch (l.roles_shape) {
    case Shape::kColumn:
      return {ColumnText(l.roles_column, l.roles_format), "NULL::text"};
    case Shape::kIds:
      joins += JoinAggregate(
          reach, "r", "r." + l.roles_key,
          "array_agg(n." + l.names_name + "::text) FILTER (WHERE n." + l.names_name +
              " IS NOT NULL) AS roles, min(coalesce(r." + l.role + "::text, 'NULL')) FILTER " +
              "(WHERE n." + l.names_name + " IS NULL) AS unresolved",
          l.roles + " r LEFT JOIN " + l.names + " n ON n." + l.names_id + " = r." + l.role, l.id);
      return {"r.roles", "r.unresolved"};
    case Shape::kTable:
      break;
  }
  joins += JoinAggregate(reach, "r", "r." + l.roles_key,
                         "array_agg(r." + l.role + "::text) AS roles", l.roles + " r", l.id);
  return {"r.roles", "NULL::text"};
}

// The scopes field and the raw field, adding any join to `joins`.
std::pair<std::string, std::string> ScopesSql(const ResolvedLayout& l, Reach reach, bool raw,
                                              std::string& joins) {
  if (l.scopes_shape == Shape::kColumn) {
    const bool array = l.scopes_format.format == ValueFormat::kArray;
    return {ColumnText(l.scopes_column, l.scopes_format),
            raw && array ? "k." + l.scopes_column + "::text" : "NULL::text"};
  }
  joins += JoinAggregate(reach, "s", "s." + l.scopes_key,
                         "array_agg(s." + l.scope + "::text) AS scopes", l.scopes + " s", l.id);
  return {"s.scopes", "NULL::text"};
}

}  // namespace

KeyColumnsSql RolesAndScopesSql(const ResolvedLayout& layout, Reach reach, bool raw_scopes) {
  KeyColumnsSql sql;
  const auto [roles, unresolved] = RolesSql(layout, reach, sql.joins);
  const auto [scopes, raw] = ScopesSql(layout, reach, raw_scopes, sql.joins);
  sql.select = roles + ", " + unresolved + ", " + scopes + ", " + raw;
  return sql;
}

std::string ReadObjects(const ResolvedLayout& l) {
  std::string out = l.keys;
  if (l.roles_shape != Shape::kColumn) out += ", " + l.roles;
  if (l.roles_shape == Shape::kIds) out += ", " + l.names;
  if (l.scopes_shape != Shape::kColumn) out += ", " + l.scopes;
  return out;
}

std::string ReadRoles(const ResolvedLayout& layout, const std::optional<std::string>& roles,
                      const std::optional<std::string>& unresolved, std::vector<std::string>& out) {
  if (layout.roles_shape != Shape::kColumn) {
    ParseTextArray(roles ? *roles : "{}", out);
    return unresolved ? "unknown role id \"" + *unresolved + "\"" : "";
  }
  const std::string error = ParseColumnValue(layout.roles_format, roles, out);
  return error.empty() ? "" : "roles value does not parse: " + error;
}

std::string ReadScopes(const ResolvedLayout& layout, const std::optional<std::string>& scopes,
                       std::vector<std::string>& out) {
  if (layout.scopes_shape != Shape::kColumn) {
    ParseTextArray(scopes ? *scopes : "{}", out);
    return "";
  }
  const std::string error = ParseColumnValue(layout.scopes_format, scopes, out);
  return error.empty() ? "" : "scopes value does not parse: " + error;
}

}  // namespace scope_migrate
