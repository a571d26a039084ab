#include "layout.h"

#include "db.h"
#include "errors.h"
#include "pg_text.h"
#include "yaml_util.h"

namespace scope_migrate {

Layout Layout::Load(const std::string& path) {
  YamlFile file(path);
  Layout layout;
  layout.source = path;
  const YAML::Node& root = file.root();
  file.ExpectMap(root, "the layout", {"keys", "roles", "scopes"});
  auto text = [&](const YAML::Node& section, const char* key, std::string& out) {
    if (!section[key]) return;
    out = file.String(section[key], key);
    if (out.empty()) throw file.Error(section[key], std::string(key) + " is empty");
  };
  auto nullable = [&](const YAML::Node& section, const char* key, std::optional<std::string>& out) {
    if (!section[key]) return;
    if (section[key].IsNull()) {
      out.reset();
    } else {
      out = file.String(section[key], key);
      if (out->empty()) throw file.Error(section[key], std::string(key) + " is empty");
    }
  };
  if (const YAML::Node keys = root["keys"]) {
    file.ExpectMap(keys, "keys",
                   {"table", "id", "tenant", "name", "created_at", "revoked_at", "timezone"});
    text(keys, "table", layout.keys_table);
    text(keys, "id", layout.key_id);
    nullable(keys, "tenant", layout.tenant);
    nullable(keys, "name", layout.name);
    text(keys, "created_at", layout.created_at);
    text(keys, "revoked_at", layout.revoked_at);
    nullable(keys, "timezone", layout.timezone);
  }
  if (const YAML::Node roles = root["roles"]) {
    file.ExpectMap(roles, "roles", {"table", "key", "role"});
    text(roles, "table", layout.roles_table);
    text(roles, "key", layout.roles_key);
    text(roles, "role", layout.role);
  }
  if (const YAML::Node scopes = root["scopes"]) {
    file.ExpectMap(scopes, "scopes", {"table", "key", "scope"});
    text(scopes, "table", layout.scopes_table);
    text(scopes, "key", layout.scopes_key);
    text(scopes, "scope", layout.scope);
  }
  return layout;
}

namespace {

// Checks that `column` exists in the table with oid `table_oid`; returns its SQL type.
std::string ColumnType(pqxx::transaction_base& txn, const Layout& layout, const std::string& table,
                       const std::string& oid, const std::string& column) {
  const pqxx::result r = txn.exec_params(
      "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
      "WHERE a.attrelid = $1::oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped",
      oid, column);
  if (r.empty()) {
    throw InputError(layout.source, 0, 0,
                     "column \"" + column + "\" of table \"" + table + "\" does not exist");
  }
  return r[0][0].c_str();
}

std::pair<std::string, std::string> TableOid(pqxx::transaction_base& txn, const Layout& layout,
                                             const std::string& table) {
  const std::string quoted = QuoteQualified(table);
  const pqxx::result r = txn.exec_params(
      "SELECT c.oid::text, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.oid = to_regclass($1)",
      quoted);
  if (r.empty()) throw InputError(layout.source, 0, 0, "table \"" + table + "\" does not exist");
  return {r[0][0].c_str(), r[0][1].c_str()};
}

// created_at and revoked_at hold instants: timestamptz, or timestamp (without time zone)
// read in the zone the layout names.
void CheckInstantColumn(const Layout& layout, const std::string& column, const std::string& type) {
  const std::string what = "column \"" + column + "\" of table \"" + layout.keys_table + "\"";
  if (type == "timestamp with time zone") return;
  if (type == "timestamp without time zone") {
    if (layout.timezone) return;
    throw InputError(layout.source, 0, 0,
                     what +
                         " is timestamp without time zone: name the zone its values are in "
                         "with a layout file (keys: {timezone: UTC}, any IANA name), so that "
                         "which keys are legacy does not depend on the server's TimeZone");
  }
  throw InputError(layout.source, 0, 0,
                   what + " is " + type +
                       ": it must be timestamptz, or timestamp with keys.timezone in the layout");
}

void CheckTimeZone(pqxx::transaction_base& txn, const Layout& layout) {
  if (!layout.timezone) return;
  const bool known = txn.exec_params(
                            "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = "
                            "$1)",
                            *layout.timezone)[0][0]
                         .as<bool>();
  if (!known) {
    throw InputError(layout.source, 0, 0,
                     "time zone \"" + *layout.timezone +
                         "\" is not known to the server (an IANA name, e.g. UTC or Europe/Berlin)");
  }
}

}  // namespace

ResolvedLayout Resolve(pqxx::transaction_base& txn, const Layout& layout) {
  ResolvedLayout out;
  const auto [keys_oid, keys_schema] = TableOid(txn, layout, layout.keys_table);
  const auto roles_oid = TableOid(txn, layout, layout.roles_table).first;
  const auto scopes_oid = TableOid(txn, layout, layout.scopes_table).first;
  out.keys_schema = keys_schema;
  out.id_type = ColumnType(txn, layout, layout.keys_table, keys_oid, layout.key_id);
  for (const auto* column : {&layout.created_at, &layout.revoked_at}) {
    CheckInstantColumn(layout, *column,
                       ColumnType(txn, layout, layout.keys_table, keys_oid, *column));
  }
  CheckTimeZone(txn, layout);
  const bool local = ColumnType(txn, layout, layout.keys_table, keys_oid, layout.created_at) ==
                     "timestamp without time zone";
  if (layout.tenant) ColumnType(txn, layout, layout.keys_table, keys_oid, *layout.tenant);
  if (layout.name) ColumnType(txn, layout, layout.keys_table, keys_oid, *layout.name);
  ColumnType(txn, layout, layout.roles_table, roles_oid, layout.roles_key);
  ColumnType(txn, layout, layout.roles_table, roles_oid, layout.role);
  out.scopes_key_type = ColumnType(txn, layout, layout.scopes_table, scopes_oid, layout.scopes_key);
  ColumnType(txn, layout, layout.scopes_table, scopes_oid, layout.scope);

  out.keys = QuoteQualified(layout.keys_table);
  out.id = QuoteIdentifier(layout.key_id);
  out.tenant = layout.tenant ? QuoteIdentifier(*layout.tenant) : "";
  out.name = layout.name ? QuoteIdentifier(*layout.name) : "";
  out.created_at = QuoteIdentifier(layout.created_at);
  out.revoked_at = QuoteIdentifier(layout.revoked_at);
  out.created_at_instant =
      local ? "(k." + out.created_at + " AT TIME ZONE " + txn.quote(*layout.timezone) + ")"
            : "k." + out.created_at;
  out.roles = QuoteQualified(layout.roles_table);
  out.roles_key = QuoteIdentifier(layout.roles_key);
  out.role = QuoteIdentifier(layout.role);
  out.scopes = QuoteQualified(layout.scopes_table);
  out.scopes_key = QuoteIdentifier(layout.scopes_key);
  out.scope = QuoteIdentifier(layout.scope);
  return out;
}

}  // namespace scope_migrate
