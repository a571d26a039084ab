// The database layout (SPEC section 3): which tables and columns hold keys, legacy roles
// and scopes. Every entry of a --layout file is optional and defaults to the standard
// names; tables may be schema-qualified; tenant and name may be null (no such column).
// Resolve() checks every table and column against the live catalog (ToolError 65 naming
// the missing one) and returns the names quoted, so no name is ever spliced raw into SQL.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>

namespace scope_migrate {

struct Layout {
  std::string source = "default layout";  // the file it came from, for messages
  std::string keys_table = "api_keys";
  std::string key_id = "id";
  std::optional<std::string> tenant = std::string("tenant_id");
  std::optional<std::string> name = std::string("name");
  std::string created_at = "created_at";
  std::string revoked_at = "revoked_at";
  // The zone the values of `timestamp without time zone` columns are in (IANA name).
  std::optional<std::string> timezone;
  std::string roles_table = "api_key_roles";
  std::string roles_key = "api_key_id";
  std::string role = "role";
  std::string scopes_table = "api_key_scopes";
  std::string scopes_key = "api_key_id";
  std::string scope = "scope";

  static Layout Load(const std::string& path);  // throws ToolError(65) at FILE:LINE:COL
};

// The layout checked against a database, every identifier quoted.
struct ResolvedLayout {
  std::string keys, id, tenant /* "" if none */, name /* "" if none */, created_at, revoked_at;
  // k.<created_at> as a timestamptz: the column itself, or for a `timestamp` column the
  // column read in the layout's zone. The filter and the decision both use this instant,
  // so which keys are legacy never depends on the server's or session's TimeZone.
  std::string created_at_instant;
  std::string roles, roles_key, role;
  std::string scopes, scopes_key, scope;
  std::string id_type;          // SQL type of the key id column, e.g. "uuid"
  std::string scopes_key_type;  // SQL type of the scopes table's key column
  std::string keys_schema;      // unquoted schema of the keys table
};

ResolvedLayout Resolve(pqxx::transaction_base& txn, const Layout& layout);

}  // namespace scope_migrate
