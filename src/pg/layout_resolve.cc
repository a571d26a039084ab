#include "pg/layout_resolve.h"

#include "base/errors.h"
#include "base/string_lists.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

// A table of the layout: its oid and schema, or ToolError(65) at `entry`.
struct Table {
  std::string name, oid, schema;
};

Table FindTable(pqxx::transaction_base& txn, const Layout& layout, const std::string& entry,
                const std::string& table) {
  const pqxx::result r = txn.exec_params(
      "SELECT c.oid::text, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.oid = to_regclass($1)",
      QuoteQualified(table));
  if (r.empty()) throw layout.Error(entry, "table \"" + table + "\" does not exist");
  return {table, r[0][0].c_str(), r[0][1].c_str()};
}

}  // namespace

Layout QualifyTables(pqxx::transaction_base& txn, Layout layout) {
  std::vector<std::string*> tables = {&layout.keys_table, &layout.roles_table,
                                      &layout.scopes_table};
  if (layout.role_names) tables.push_back(&layout.role_names->table);
  for (std::string* table : tables) {
    if (table->find('.') != std::string::npos) continue;
    const pqxx::result r = txn.exec_params(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = to_regclass($1)",
        QuoteQualified(*table));
    if (!r.empty()) *table = std::string(r[0][0].c_str()) + "." + *table;
  }
  return layout;
}

namespace {

// Where `column` of `table` is in the catalog: its attnum as text ("" when there is none).
// Columns are compared by table oid and attnum, never by the names the layout spells.
std::string Attnum(pqxx::transaction_base& txn, const std::string& table_oid,
                   const std::string& column) {
  const pqxx::result r = txn.exec_params(
      "SELECT a.attnum::text FROM pg_attribute a WHERE a.attrelid = $1::oid AND a.attname = $2 "
      "AND a.attnum > 0 AND NOT a.attisdropped",
      table_oid, column);
  return r.empty() ? "" : r[0][0].c_str();
}

// The SQL type of `column` of `table`, or ToolError(65) at `entry` when it does not exist.
std::string ColumnType(pqxx::transaction_base& txn, const Layout& layout, const std::string& entry,
                       const Table& table, const std::string& column) {
  const pqxx::result r = txn.exec_params(
      "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
      "WHERE a.attrelid = $1::oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped",
      table.oid, column);
  if (r.empty()) {
    throw layout.Error(entry,
                       "column \"" + column + "\" of table \"" + table.name + "\" does not exist");
  }
  return r[0][0].c_str();
}

// "timestamp(0) without time zone" -> "timestamp without time zone": the precision does
// not change how a value is read.
std::string WithoutPrecision(std::string type) {
  const size_t open = type.find('(');
  const size_t close = type.find(')', open);
  if (open != std::string::npos && close != std::string::npos) type.erase(open, close - open + 1);
  return type;
}

// The type of an existing column without its modifier ("character varying" for
// varchar(255)): what a value is cast to before it is assigned, so that a value too long
// for the column fails the batch instead of being cut silently, as an explicit cast to
// varchar(n) would.
std::string CastType(pqxx::transaction_base& txn, const Table& table, const std::string& column) {
  return txn
      .exec_params(
          "SELECT format_type(a.atttypid, NULL) FROM pg_attribute a WHERE a.attrelid = "
          "$1::oid AND a.attname = $2",
          table.oid, column)[0][0]
      .c_str();
}

// created_at and revoked_at hold instants: timestamptz, or timestamp (without time zone)
// read in the zone the layout names.
void CheckInstantColumn(const Layout& layout, const std::string& entry, const std::string& column,
                        const std::string& sql_type) {
  const std::string type = WithoutPrecision(sql_type);
  const std::string what = "column \"" + column + "\" of table \"" + layout.keys_table + "\"";
  if (type == "timestamp with time zone") return;
  if (type == "timestamp without time zone") {
    if (layout.timezone) return;
    throw layout.Error(entry, what + " is " + sql_type +
                                  ": name the zone its values are "
                                  "in with a layout file (keys: {timezone: UTC}, any IANA name), "
                                  "so that which keys are legacy does not depend on the server's "
                                  "TimeZone");
  }
  throw layout.Error(entry, what + " is " + sql_type +
                                ": it must be timestamptz, or timestamp with keys.timezone in "
                                "the layout");
}

void CheckTimeZone(pqxx::transaction_base& txn, const Layout& layout) {
  if (!layout.timezone) return;
  const bool known =
      txn.exec_params("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)",
                      *layout.timezone)[0][0]
          .as<bool>();
  if (!known) {
    throw layout.Error("keys.timezone", "time zone \"" + *layout.timezone +
                                            "\" is not known to the server (an IANA name, e.g. "
                                            "UTC or Europe/Berlin)");
  }
}

// Whether a column of SQL type `type` can hold values of `format`.
bool TypeFits(ValueFormat format, const std::string& type) {
  const bool text = type == "text" || type.rfind("character varying", 0) == 0;
  switch (format) {
    case ValueFormat::kArray:
      return type == "text[]" || (type.rfind("character varying", 0) == 0 && type.size() > 2 &&
                                  type.compare(type.size() - 2, 2, "[]") == 0);
    case ValueFormat::kJson:
      return text || type == "json" || type == "jsonb";
    case ValueFormat::kDelimited:
      return text;
  }
  return false;
}

const char* FittingTypes(ValueFormat format) {
  switch (format) {
    case ValueFormat::kArray:
      return "text[] or varchar[]";
    case ValueFormat::kJson:
      return "json, jsonb, text or varchar";
    case ValueFormat::kDelimited:
      return "text or varchar";
  }
  return "";
}

// A roles or scopes column of the keys table: it exists, is not a column with another
// use, and its type fits its format. Returns the type.
std::string CheckValueColumn(pqxx::transaction_base& txn, const Layout& layout, const Table& keys,
                             const std::string& what, const ValueColumn& column) {
  const std::string entry = what + ".column";
  for (const std::optional<std::string>& other :
       {std::optional<std::string>(layout.key_id), layout.tenant, layout.name,
        std::optional<std::string>(layout.created_at), layout.revoked_at}) {
    if (other && *other == column.column) {
      throw layout.Error(entry, what + ".column \"" + column.column +
                                    "\" is also a column of keys: it cannot hold " + what);
    }
  }
  const std::string type = ColumnType(txn, layout, entry, keys, column.column);
  if (!TypeFits(column.format.format, type)) {
    throw layout.Error(entry, "column \"" + column.column + "\" is " + type + ": format " +
                                  FormatName(column.format.format) + " needs " +
                                  FittingTypes(column.format.format));
  }
  return type;
}

// Role ids compare with the names' ids: the join plans (no rows are read).
void CheckNamesJoin(pqxx::transaction_base& txn, const Layout& layout) {
  const NamesTable& names = *layout.role_names;
  auto* outer = dynamic_cast<pqxx::dbtransaction*>(&txn);
  if (outer == nullptr) return;  // every caller's transaction is one; nothing to probe in
  pqxx::subtransaction probe(*outer, "names_probe");
  try {
    probe.exec("SELECT 1 FROM " + QuoteQualified(layout.roles_table) + " r JOIN " +
               QuoteQualified(names.table) + " n ON n." + QuoteIdentifier(names.id) + " = r." +
               QuoteIdentifier(layout.role) + " WHERE false");
    probe.commit();
  } catch (const pqxx::sql_error& e) {
    probe.abort();
    throw layout.Error("roles.names", "roles.role \"" + layout.role +
                                          "\" cannot be compared with roles.names.id (" +
                                          FirstLine(e.what()) + ")");
  }
}

// Each role id names one role: with two names for an id, a key would get the scopes of
// both. The names table is small (one row per role); it is read in full.
void CheckNamesUnique(pqxx::transaction_base& txn, const Layout& layout) {
  const NamesTable& names = *layout.role_names;
  const pqxx::result dup = txn.exec("SELECT n." + QuoteIdentifier(names.id) +
                                    "::text, count(*) FROM " + QuoteQualified(names.table) +
                                    " n GROUP BY 1 HAVING count(*) > 1 ORDER BY 1 LIMIT 1");
  if (dup.empty()) return;
  throw layout.Error("roles.names", "roles.names.id is not unique in \"" + names.table +
                                        "\": id \"" + dup[0][0].c_str() + "\" has " +
                                        dup[0][1].c_str() +
                                        " rows; each role id must name one role");
}

void ResolveKeys(pqxx::transaction_base& txn, const Layout& layout, const Table& keys,
                 ResolvedLayout& out) {
  out.keys_schema = keys.schema;
  out.id_type = ColumnType(txn, layout, "keys.id", keys, layout.key_id);
  const std::string created_type =
      ColumnType(txn, layout, "keys.created_at", keys, layout.created_at);
  CheckInstantColumn(layout, "keys.created_at", layout.created_at, created_type);
  if (layout.revoked_at) {
    CheckInstantColumn(layout, "keys.revoked_at", *layout.revoked_at,
                       ColumnType(txn, layout, "keys.revoked_at", keys, *layout.revoked_at));
  }
  CheckTimeZone(txn, layout);
  if (layout.tenant) ColumnType(txn, layout, "keys.tenant", keys, *layout.tenant);
  if (layout.name) ColumnType(txn, layout, "keys.name", keys, *layout.name);

  out.keys = QuoteQualified(layout.keys_table);
  out.id = QuoteIdentifier(layout.key_id);
  out.tenant = layout.tenant ? QuoteIdentifier(*layout.tenant) : "";
  out.name = layout.name ? QuoteIdentifier(*layout.name) : "";
  out.created_at = QuoteIdentifier(layout.created_at);
  out.created_at_instant =
      WithoutPrecision(created_type) == "timestamp without time zone"
          ? "(k." + out.created_at + " AT TIME ZONE " + txn.quote(*layout.timezone) + ")"
          : "k." + out.created_at;
  out.revoked =
      layout.revoked_at ? "k." + QuoteIdentifier(*layout.revoked_at) + " IS NOT NULL" : "false";
}

void ResolveRoles(pqxx::transaction_base& txn, const Layout& layout, const Table& keys,
                  ResolvedLayout& out) {
  if (layout.roles_column) {
    CheckValueColumn(txn, layout, keys, "roles", *layout.roles_column);
    out.roles_shape = Shape::kColumn;
    out.roles_column = QuoteIdentifier(layout.roles_column->column);
    out.roles_format = layout.roles_column->format;
    return;
  }
  const Table roles = FindTable(txn, layout, "roles.table", layout.roles_table);
  ColumnType(txn, layout, "roles.key", roles, layout.roles_key);
  ColumnType(txn, layout, "roles.role", roles, layout.role);
  out.roles = QuoteQualified(layout.roles_table);
  out.roles_key = QuoteIdentifier(layout.roles_key);
  out.role = QuoteIdentifier(layout.role);
  if (!layout.role_names) return;
  const NamesTable& names = *layout.role_names;
  const Table table = FindTable(txn, layout, "roles.names.table", names.table);
  ColumnType(txn, layout, "roles.names.id", table, names.id);
  ColumnType(txn, layout, "roles.names.name", table, names.name);
  CheckNamesJoin(txn, layout);
  CheckNamesUnique(txn, layout);
  out.roles_shape = Shape::kIds;
  out.names = QuoteQualified(names.table);
  out.names_id = QuoteIdentifier(names.id);
  out.names_name = QuoteIdentifier(names.name);
}

// The scopes column is not where the roles are (same table oid and attnum).
void CheckScopesColumnApart(pqxx::transaction_base& txn, const Layout& layout, const Table& keys) {
  const std::string scopes = Attnum(txn, keys.oid, layout.scopes_column->column);
  if (scopes.empty()) return;  // CheckValueColumn names the missing column
  const bool in_keys = layout.roles_column.has_value();
  const Table roles = in_keys ? keys : FindTable(txn, layout, "roles.table", layout.roles_table);
  const std::string role = in_keys ? layout.roles_column->column : layout.role;
  if (roles.oid != keys.oid || Attnum(txn, roles.oid, role) != scopes) return;
  throw layout.Error("scopes.column", "roles and scopes are the same column \"" + role +
                                          "\" of \"" + layout.keys_table +
                                          "\": the migration would overwrite the roles");
}

// The scopes table is none of the tables the roles are read from, nor the keys table:
// scope rows written there would change the roles or add keys.
void CheckScopesTableApart(pqxx::transaction_base& txn, const Layout& layout, const Table& keys,
                           const Table& scopes) {
  const auto refuse = [&](const std::string& what) {
    throw layout.Error("scopes.table", "scopes.table \"" + layout.scopes_table + "\" is " + what +
                                           ": the migration would write scope rows into it");
  };
  if (scopes.oid == keys.oid) refuse("the keys table");
  if (layout.roles_column) return;
  if (FindTable(txn, layout, "roles.table", layout.roles_table).oid == scopes.oid) {
    refuse("the roles table");
  }
  if (layout.role_names &&
      FindTable(txn, layout, "roles.names.table", layout.role_names->table).oid == scopes.oid) {
    refuse("the role names table");
  }
}

void ResolveScopes(pqxx::transaction_base& txn, const Layout& layout, const Table& keys,
                   ResolvedLayout& out) {
  if (layout.scopes_column) {
    CheckScopesColumnApart(txn, layout, keys);
    CheckValueColumn(txn, layout, keys, "scopes", *layout.scopes_column);
    out.scopes_column_type = CastType(txn, keys, layout.scopes_column->column);
    out.scopes_shape = Shape::kColumn;
    out.scopes_column = QuoteIdentifier(layout.scopes_column->column);
    out.scopes_format = layout.scopes_column->format;
    return;
  }
  const Table scopes = FindTable(txn, layout, "scopes.table", layout.scopes_table);
  CheckScopesTableApart(txn, layout, keys, scopes);
  out.scopes_key_type = ColumnType(txn, layout, "scopes.key", scopes, layout.scopes_key);
  ColumnType(txn, layout, "scopes.scope", scopes, layout.scope);
  out.scopes = QuoteQualified(layout.scopes_table);
  out.scopes_key = QuoteIdentifier(layout.scopes_key);
  out.scope = QuoteIdentifier(layout.scope);
}

}  // namespace

ResolvedLayout Resolve(pqxx::transaction_base& txn, const Layout& layout) {
  ResolvedLayout out;
  const Table keys = FindTable(txn, layout, "keys.table", layout.keys_table);
  ResolveKeys(txn, layout, keys, out);
  ResolveRoles(txn, layout, keys, out);
  ResolveScopes(txn, layout, keys, out);
  return out;
}

}  // namespace scope_migrate
