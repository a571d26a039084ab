// A layout (layout_file.h) resolved against the live catalog: Resolve() checks every table
// and column (the column exists, its type fits its format, roles and scopes are not the
// same column, role ids compare with the names' ids, the time zone is known), throwing
// ToolError(65) at the entry's position, and returns the names quoted, so no name is ever
// spliced raw into SQL. It only reads the catalog, inside the caller's transaction.
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "pg/column_format.h"
#include "pg/layout_file.h"

namespace scope_migrate {

enum class Shape { kTable, kIds, kColumn };

// The layout checked against a database, every identifier quoted.
struct ResolvedLayout {
  std::string keys, id, tenant /* "" if none */, name /* "" if none */, created_at;
  // k.<created_at> as a timestamptz: the column itself, or for a `timestamp` column the
  // column read in the layout's zone. The filter and the decision both use this instant,
  // so which keys are legacy never depends on the server's or session's TimeZone.
  std::string created_at_instant;
  std::string revoked;  // SQL over the keys table `k`: "k.<revoked_at> IS NOT NULL" or "false"
  Shape roles_shape = Shape::kTable, scopes_shape = Shape::kTable;
  std::string roles, roles_key, role;        // kTable and kIds
  std::string names, names_id, names_name;   // kIds
  std::string scopes, scopes_key, scope;     // kTable
  std::string roles_column, scopes_column;   // kColumn
  ColumnFormat roles_format, scopes_format;  // kColumn
  std::string scopes_column_type;            // kColumn: its SQL type without modifier, for the cast
  std::string id_type;                       // SQL type of the key id column, e.g. "uuid"
  std::string scopes_key_type;               // SQL type of the scopes table's key column
  std::string keys_schema;                   // unquoted schema of the keys table
};

ResolvedLayout Resolve(pqxx::transaction_base& txn, const Layout& layout);

// `layout` with every table name it leaves unqualified qualified with the schema the
// server finds it in under the session's search_path (as Resolve() and apply see it);
// a table the server does not find is left as it is.
Layout QualifyTables(pqxx::transaction_base& txn, Layout layout);

}  // namespace scope_migrate
