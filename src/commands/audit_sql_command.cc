// `scope-migrate audit-sql [--audit-schema S] [--grant-to ROLE [--approver]] [--layout FILE]
// [--db C]`: prints the DDL of the audit tables (idempotent: the same statements apply and
// rollback run when the tables are missing) and, with --grant-to, the GRANTs each command
// needs, for a DBA to run once. With them in place the tool itself creates nothing and
// needs no CREATE privilege. The DDL includes the approval and settings tables
// (approvals.h); `--grant-to ROLE --approver` prints the grants of a role that only
// approves plans instead, and no role but the DBA gets to write the settings. The audit
// schema is, as for apply, that of the keys table: with --db the layout's unqualified
// tables are found under that connection's search_path, exactly as apply finds them (and
// the layout is checked); without --db nothing is connected to, an unqualified table is
// taken to be in "public", and the output and stderr say so.
#include <iostream>
#include <set>
#include <vector>

#include "base/version.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "pg/db.h"
#include "pg/layout_resolve.h"
#include "pg/pg_text.h"
#include "write/approvals.h"
#include "write/audit_schema.h"

namespace scope_migrate {
namespace {

std::string SchemaOf(const std::string& table) {
  const size_t dot = table.find('.');
  return dot == std::string::npos ? "public" : table.substr(0, dot);
}

// The tables the plan reads, by shape (roles and scopes may be columns of the keys table).
std::vector<std::string> TablesRead(const Layout& layout) {
  std::vector<std::string> tables = {layout.keys_table};
  if (!layout.roles_column) tables.push_back(layout.roles_table);
  if (layout.role_names) tables.push_back(layout.role_names->table);
  if (!layout.scopes_column) tables.push_back(layout.scopes_table);
  return tables;
}

void PrintGrants(const Layout& layout, const AuditLog& audit, const std::string& role) {
  const std::string to = " TO " + QuoteIdentifier(role) + ";\n";
  const std::string keys = QuoteQualified(layout.keys_table);
  std::set<std::string> schemas;
  std::string read;
  for (const std::string& table : TablesRead(layout)) {
    schemas.insert(SchemaOf(table));
    read += (read.empty() ? "" : ", ") + QuoteQualified(table);
  }
  std::cout << "\n-- plan: reads the keys, their roles and scopes (works on a hot standby)\n";
  for (const auto& schema : schemas) {
    std::cout << "GRANT USAGE ON SCHEMA " << QuoteIdentifier(schema) << to;
  }
  std::cout << "GRANT SELECT ON " << read << to;
  if (layout.usage) {
    std::cout << "\n-- simulate --usage-table: reads the request log of the layout's usage: section\n";
    if (schemas.count(SchemaOf(layout.usage->table)) == 0) {
      std::cout << "GRANT USAGE ON SCHEMA " << QuoteIdentifier(SchemaOf(layout.usage->table)) << to;
    }
    std::cout << "GRANT SELECT ON " << QuoteQualified(layout.usage->table) << to;
  }
  if (layout.scopes_column) {
    std::cout
        << "\n-- apply and rollback: row locks on the keys and the scopes column written\n"
        << "-- (UPDATE on the key id column allows SELECT ... FOR KEY SHARE), the audit trail\n"
        << "GRANT UPDATE (" << QuoteIdentifier(layout.key_id) << ", "
        << QuoteIdentifier(layout.scopes_column->column) << ") ON " << keys << to;
  } else {
    std::cout << "\n-- apply and rollback: row locks on the keys (PostgreSQL has no lock-only "
                 "privilege;\n-- UPDATE on one column is the least that allows SELECT ... FOR "
                 "KEY SHARE, and the tool\n-- never updates the keys table), scopes added and "
                 "removed, the audit trail\n"
              << "GRANT UPDATE (" << QuoteIdentifier(layout.key_id) << ") ON " << keys << to
              << "GRANT INSERT, DELETE ON " << QuoteQualified(layout.scopes_table) << to;
  }
  std::cout << "GRANT USAGE ON SCHEMA " << QuoteIdentifier(audit.schema()) << to
            << "GRANT SELECT, INSERT, UPDATE ON " << audit.runs_table() << to
            << "GRANT SELECT, INSERT ON " << audit.changes_table() << ", " << audit.values_table()
            << ", " << audit.plans_table() << to;
  const ApprovalLog approvals(audit.schema(), audit.timeouts());
  std::cout << "\n-- apply: reads the approvals of its plan and the DBA's settings, and may write\n"
               "-- neither (only the DBA writes "
            << approvals.settings_table() << ", e.g. required_approvals)\n";
  for (const std::string& grant : approvals.OperatorGrants(QuoteIdentifier(role))) {
    std::cout << grant << ";\n";
  }
  std::cout
            << "\n-- apply and rollback: the health throttle reads the replicas' lag in\n"
               "-- pg_stat_replication, which only members of pg_monitor (or pg_read_all_stats)\n"
               "-- can see; without it a run with a standby attached waits (fails closed).\n"
               "-- Skip it if every run passes --max-replica-lag 0.\n"
            << "GRANT pg_monitor" << to
            << "\n-- history: SELECT on the audit tables (granted above)\n";
}

// `--approver`: what `approve` reads (the layout's tables, to find the audit schema) and
// writes (its own approvals and their revocation).
void PrintApproverGrants(const Layout& layout, const AuditLog& audit, const std::string& role) {
  const std::string to = " TO " + QuoteIdentifier(role) + ";\n";
  std::set<std::string> schemas = {audit.schema()};
  std::string read;
  for (const std::string& table : TablesRead(layout)) {
    schemas.insert(SchemaOf(table));
    read += (read.empty() ? "" : ", ") + QuoteQualified(table);
  }
  const ApprovalLog approvals(audit.schema(), audit.timeouts());
  std::cout << "\n-- approve: reads the layout's tables and the runs (a plan rolled back since is\n"
               "-- approved anew), records approvals in its own name and revokes them; the\n"
               "-- database's policies and trigger refuse anything else (another name, another\n"
               "-- plan, a revocation undone)\n";
  for (const auto& schema : schemas) {
    std::cout << "GRANT USAGE ON SCHEMA " << QuoteIdentifier(schema) << to;
  }
  std::cout << "GRANT SELECT ON " << read << ", " << audit.runs_table() << to;
  for (const std::string& grant : approvals.ApproverGrants(QuoteIdentifier(role))) {
    std::cout << grant << ";\n";
  }
}

// With --db, the layout as apply resolves it there (its tables qualified).
Layout ResolvedTables(const Options& options) {
  Layout layout = LoadLayout(options);
  if (!options.db) return layout;
  auto conn = Connect(options.Conninfo());
  ResolveLayout(*conn, layout, options);  // the checks apply makes, and 65 at the entry
  pqxx::read_transaction txn(*conn);
  SetLocalTimeouts(txn, options.timeouts);
  return QualifyTables(txn, layout);
}

// Without --db an unqualified keys table is taken to be in "public": say so, and how to
// choose.
std::string AssumedSchemaNote(const Options& options, const Layout& layout) {
  if (options.audit_schema || options.db || layout.keys_table.find('.') != std::string::npos) {
    return "";
  }
  return "the layout does not qualify the keys table \"" + layout.keys_table +
         "\", so schema \"public\" is assumed; apply uses the schema where its search_path "
         "finds it. Pass --db CONNINFO to resolve it as apply does, or --audit-schema NAME";
}

}  // namespace

int RunAuditSqlCommand(const Options& options) {
  const Layout layout = ResolvedTables(options);
  const std::string schema = options.audit_schema.value_or(SchemaOf(layout.keys_table));
  const AuditLog audit(schema, options.timeouts);
  const std::string note = AssumedSchemaNote(options, layout);
  if (!note.empty() && !options.quiet) std::cerr << "note: " << note << "\n";
  std::cout << "-- The audit tables of scope-migrate " << ToolVersion() << " in schema "
            << QuoteIdentifier(schema)
            << (options.audit_schema ? "" : " (that of the keys table; --audit-schema to choose)")
            << ".\n"
            << (note.empty() ? "" : "-- Note: " + note + ".\n")
            << "-- Run once as a role that may create tables there; every statement is "
               "idempotent.\n";
  for (const std::string& statement : audit.CreateStatements(true)) {
    std::cout << statement << ";\n";
  }
  std::cout << "-- Approvals and the DBA's settings: row-level security lets a role approve only\n"
               "-- in its own name; revocation is one-way. Run as the DBA, whose role owns them.\n";
  for (const std::string& statement : ApprovalLog(schema, options.timeouts).CreateStatements()) {
    std::cout << statement << ";\n";
  }
  if (options.grant_to && options.approver) {
    PrintApproverGrants(layout, audit, *options.grant_to);
  } else if (options.grant_to) {
    PrintGrants(layout, audit, *options.grant_to);
  }
  return kExitOk;
}

}  // namespace scope_migrate
