// The database layout file (SPEC sections 3 and 10.9): which tables and columns hold keys,
// legacy roles and scopes, and in what shape. Every entry of a --layout file is optional
// and defaults to the standard names; tables may be schema-qualified; tenant, name and
// revoked_at may be null (no such column). Roles live in a table of role rows (the
// default), in a table of role ids resolved through a table of names, or in a column of
// the keys table; scopes in a table of scope rows or in a column of the keys table. A
// column holds an array, a JSON array or a delimited string (column_format.h).
//
// An optional `usage:` section names the request log `simulate --usage-table` replays
// (SPEC 12.1): a table of one call (or one aggregate, with `count`) per row.
//
// Load() reads the file and checks its own rules at FILE:LINE:COL (ToolError 65), without
// a database; layout_resolve.h checks it against the live catalog.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/errors.h"
#include "pg/column_format.h"

namespace scope_migrate {

// A column of the keys table holding a key's roles or scopes.
struct ValueColumn {
  std::string column;
  ColumnFormat format;
};

// Role ids resolved to role names through a table of names.
struct NamesTable {
  std::string table, id = "id", name = "name";
};

// The longest identifier PostgreSQL keeps whole (NAMEDATALEN - 1); Load() refuses longer
// table and column names, and any holding a control character.
inline constexpr size_t kMaxIdentifierBytes = 63;

// The request log of `usage:`; each entry defaults to SPEC 12.1's example names.
struct UsageTable {
  std::string table = "api_request_log";
  std::string key = "api_key_id";
  std::string method = "method";
  std::string path = "path";
  std::string at = "requested_at";                         // timestamptz, or timestamp
  std::optional<std::string> status = std::string("status");  // null: no status column
  std::optional<std::string> count;                        // null (default): one call a row
  // The zone of a `timestamp without time zone` `at` column; keys.timezone when not given.
  std::optional<std::string> timezone;
};

struct Layout {
  std::string source = "default layout";  // the file it came from, for messages
  std::string keys_table = "api_keys";
  std::string key_id = "id";
  std::optional<std::string> tenant = std::string("tenant_id");
  std::optional<std::string> name = std::string("name");
  std::string created_at = "created_at";
  std::optional<std::string> revoked_at = std::string("revoked_at");
  // The zone the values of `timestamp without time zone` columns are in (IANA name).
  std::optional<std::string> timezone;
  std::string roles_table = "api_key_roles";
  std::string roles_key = "api_key_id";
  std::string role = "role";
  std::optional<NamesTable> role_names;     // roles are ids into this table
  std::optional<ValueColumn> roles_column;  // roles are a column of the keys table
  std::string scopes_table = "api_key_scopes";
  std::string scopes_key = "api_key_id";
  std::string scope = "scope";
  std::optional<ValueColumn> scopes_column;  // scopes are a column of the keys table
  std::optional<UsageTable> usage;           // the request log, when the file has `usage:`
  // Where each entry given ("roles.column", "keys.table", "usage", ...) is in the file.
  std::map<std::string, std::pair<int, int>> positions;

  static Layout Load(const std::string& path);  // throws ToolError(65) at FILE:LINE:COL
  // ToolError(65) at the position of `entry` ("FILE: entry: message" when the file left
  // the entry at its default).
  ToolError Error(const std::string& entry, const std::string& message) const;
};

// Every scope of the catalog can be written into the layout's scopes column (a delimited
// column cannot hold a scope containing its separator); ToolError(65) at the entry if not.
void CheckScopesWritable(const Layout& layout, const std::vector<std::string>& catalog);

}  // namespace scope_migrate
