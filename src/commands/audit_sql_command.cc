// `scope-migrate audit-sql [--audit-schema S] [--grant-to ROLE] [--layout FILE]`: prints,
// without touching a database, the DDL of the audit tables (idempotent: the same
// statements apply and rollback run when the tables are missing) and, with --grant-to,
// the GRANTs each command needs, for a DBA to run once. With them in place the tool
// itself creates nothing and needs no CREATE privilege.
#include <iostream>
#include <set>

#include "audit.h"
#include "command_support.h"
#include "pg_text.h"
#include "version.h"

namespace scope_migrate {
namespace {

std::string SchemaOf(const std::string& table) {
  const size_t dot = table.find('.');
  return dot == std::string::npos ? "public" : table.substr(0, dot);
}

void PrintGrants(const Layout& layout, const AuditLog& audit, const std::string& role) {
  const std::string to = " TO " + QuoteIdentifier(role) + ";\n";
  const std::string keys = QuoteQualified(layout.keys_table);
  const std::string roles = QuoteQualified(layout.roles_table);
  const std::string scopes = QuoteQualified(layout.scopes_table);
  std::set<std::string> schemas;
  for (const auto* table : {&layout.keys_table, &layout.roles_table, &layout.scopes_table}) {
    schemas.insert(SchemaOf(*table));
  }
  std::cout << "\n-- plan: reads the keys, their roles and scopes (works on a hot standby)\n";
  for (const auto& schema : schemas) {
    std::cout << "GRANT USAGE ON SCHEMA " << QuoteIdentifier(schema) << to;
  }
  std::cout << "GRANT SELECT ON " << keys << ", " << roles << ", " << scopes << to
            << "\n-- apply and rollback: row locks on the keys (PostgreSQL has no lock-only "
               "privilege;\n-- UPDATE on one column is the least that allows SELECT ... FOR "
               "UPDATE, and the tool\n-- never updates the keys table), scopes added and "
               "removed, the audit trail\n"
            << "GRANT UPDATE (" << QuoteIdentifier(layout.key_id) << ") ON " << keys << to
            << "GRANT INSERT, DELETE ON " << scopes << to << "GRANT USAGE ON SCHEMA "
            << QuoteIdentifier(audit.schema()) << to << "GRANT SELECT, INSERT, UPDATE ON "
            << audit.runs_table() << to << "GRANT SELECT, INSERT ON " << audit.changes_table() << to
            << "\n-- history: SELECT on the two audit tables (granted above)\n";
}

}  // namespace

int RunAuditSqlCommand(const Options& options) {
  const Layout layout = LoadLayout(options);
  const std::string schema = options.audit_schema.value_or(SchemaOf(layout.keys_table));
  const AuditLog audit(schema, options.timeouts);
  std::cout << "-- The audit tables of scope-migrate " << ToolVersion() << " in schema "
            << QuoteIdentifier(schema)
            << (options.audit_schema ? "" : " (that of the keys table; --audit-schema to choose)")
            << ".\n-- Run once as a role that may create tables there; every statement is "
               "idempotent.\n";
  for (const std::string& statement : audit.CreateStatements(true)) {
    std::cout << statement << ";\n";
  }
  if (options.grant_to) PrintGrants(layout, audit, *options.grant_to);
  return kExitOk;
}

}  // namespace scope_migrate
