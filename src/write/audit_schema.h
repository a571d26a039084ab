// The audit tables (SPEC section 3) as a schema: their names, their DDL and the check that
// they exist with every column. scope_migration_runs holds one row per apply or rollback
// run (run_rows.h), scope_migration_changes one row per scope added or removed, and, with
// scopes in a column, scope_migration_values each key's value before and after (SPEC
// 10.9; change_rows.h), and scope_migration_plans a compressed copy of each plan applied
// (plan_copy.h), by which rollback reverts. The rows themselves are written and read in run_rows.h,
// change_rows.h and run_history.h, all through the names held here.
//
// The tables live in the schema of the keys table or --audit-schema. EnsureTables creates
// nothing when they exist with every column (so pre-created tables need no CREATE
// privilege); CreateStatements() is the DDL it runs otherwise, and what `audit-sql`
// prints for a DBA.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "base/timeouts.h"

namespace scope_migrate {

class AuditLog {
 public:
  // `schema` is unquoted; the names are quoted here. `with_values`: the layout's scopes
  // are a column, so runs record values in scope_migration_values (only then is that
  // table required and read: tables made for a layout without one need no new grant).
  AuditLog(const std::string& schema, const Timeouts& timeouts, bool with_values = false);

  const std::string& runs_table() const { return runs_; }        // quoted, qualified
  const std::string& changes_table() const { return changes_; }  // quoted, qualified
  const std::string& values_table() const { return values_; }    // quoted, qualified
  const std::string& plans_table() const { return plans_; }      // quoted, qualified
  const std::string& schema() const { return schema_; }          // unquoted
  const Timeouts& timeouts() const { return timeouts_; }
  bool with_values() const { return with_values_; }

  bool Exists(pqxx::connection& conn) const;  // both tables exist
  // The DDL of the audit tables, idempotent: CREATE ... IF NOT EXISTS, then ADD COLUMN IF
  // NOT EXISTS for columns added since the first version.
  std::vector<std::string> CreateStatements(bool with_schema) const;
  // Creates the tables or missing columns, or nothing when all exist; a permission error
  // says what is missing and points to `audit-sql`.
  void EnsureTables(pqxx::connection& conn) const;

  // The other schemas of the database that hold a scope_migration_runs table this role may
  // read, sorted (a forgotten --audit-schema points at one of them).
  std::vector<std::string> OtherAuditSchemas(pqxx::connection& conn) const;

  // The columns of a run row for a SELECT, NULL for those an older table lacks; read from
  // the catalog once, inside `txn`.
  std::string RunSelectList(pqxx::transaction_base& txn) const;

 private:
  std::vector<std::string> MissingColumns(pqxx::connection& conn) const;

  std::string schema_, quoted_schema_, runs_, changes_, values_, plans_;
  Timeouts timeouts_;
  bool with_values_ = false;
  mutable std::string run_select_list_;
};

}  // namespace scope_migrate
