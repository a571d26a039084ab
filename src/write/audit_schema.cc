#include "write/audit_schema.h"

#include <algorithm>

#include "base/errors.h"
#include "base/string_lists.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

// Every column of the audit tables: name and type. The first list is the first version's
// (CREATE TABLE); columns added since come after it and are added with ADD COLUMN.
struct Column {
  const char* name;
  const char* type;
};

const Column kRunsTable[] = {{"run_id", "bigint PRIMARY KEY"},
                             {"kind", "text NOT NULL"},
                             {"status", "text NOT NULL"},
                             {"started_at", "timestamptz NOT NULL DEFAULT now()"},
                             {"finished_at", "timestamptz"},
                             {"operator", "text"},
                             {"host", "text"},
                             {"tool_version", "text"},
                             {"mapping_sha256", "text"},
                             {"plan_sha256", "text"},
                             {"cutoff", "timestamptz"},
                             {"keys_changed", "bigint NOT NULL DEFAULT 0"},
                             {"scopes_added", "bigint NOT NULL DEFAULT 0"},
                             {"scopes_removed", "bigint NOT NULL DEFAULT 0"},
                             {"rolled_back_by", "bigint"},
                             {"rollback_of", "bigint"},
                             {"filter", "text"},
                             {"message", "text"},
                             {"last_batch_at", "timestamptz"}};
const Column kRunsAddedSince[] = {{"pid", "bigint"},
                                  {"host_id", "text"},
                                  {"heartbeat_at", "timestamptz"},
                                  {"taken_over_by", "bigint"},
                                  {"tool_commit", "text"},
                                  {"batch_time_ms", "bigint"},
                                  {"last_batch_keys", "bigint"},
                                  {"last_batch_ms", "bigint"},
                                  {"max_batch_ms", "bigint"},
                                  {"lock_retries", "bigint NOT NULL DEFAULT 0"},
                                  {"approvals", "text"},
                                  {"throttled_ms", "bigint NOT NULL DEFAULT 0"},
                                  {"throttle_reasons", "text"}};
const Column kChangesTable[] = {{"run_id", "bigint NOT NULL"},
                                {"api_key_id", "text NOT NULL"},
                                {"scope", "text NOT NULL"},
                                {"action", "text NOT NULL CHECK (action IN ('add', 'remove'))"},
                                {"committed_at", "timestamptz NOT NULL DEFAULT now()"}};
// Added in 0.3: the values written into a scopes column (layouts with scopes.column).
const Column kValuesTable[] = {{"run_id", "bigint NOT NULL"},
                               {"api_key_id", "text NOT NULL"},
                               {"previous", "text"},
                               {"written", "text"},
                               {"committed_at", "timestamptz NOT NULL DEFAULT now()"}};

// Added in 0.4: the copy of each applied plan (zstd, in parts), which rollback reverts by.
const Column kPlansTable[] = {{"plan_sha256", "text NOT NULL"},
                              {"part", "integer NOT NULL"},
                              {"data", "bytea NOT NULL"},
                              {"stored_at", "timestamptz NOT NULL DEFAULT now()"}};

template <size_t N>
std::string ColumnList(const Column (&columns)[N]) {
  std::string out;
  for (const Column& c : columns) {
    out += std::string(out.empty() ? "" : ", ") + c.name + " " + c.type;
  }
  return out;
}

}  // namespace

AuditLog::AuditLog(const std::string& schema, const Timeouts& timeouts, bool with_values)
    : schema_(schema),
      quoted_schema_(QuoteIdentifier(schema)),
      timeouts_(timeouts),
      with_values_(with_values) {
  runs_ = quoted_schema_ + "." + QuoteIdentifier("scope_migration_runs");
  changes_ = quoted_schema_ + "." + QuoteIdentifier("scope_migration_changes");
  values_ = quoted_schema_ + "." + QuoteIdentifier("scope_migration_values");
  plans_ = quoted_schema_ + "." + QuoteIdentifier("scope_migration_plans");
}

bool AuditLog::Exists(pqxx::connection& conn) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  const pqxx::result r =
      txn.exec("SELECT to_regclass(" + txn.quote(runs_) + ") IS NOT NULL AND to_regclass(" +
               txn.quote(changes_) + ") IS NOT NULL");
  return r[0][0].as<bool>();
}

std::vector<std::string> AuditLog::CreateStatements(bool with_schema) const {
  std::vector<std::string> out;
  if (with_schema) out.push_back("CREATE SCHEMA IF NOT EXISTS " + quoted_schema_);
  out.push_back("CREATE TABLE IF NOT EXISTS " + runs_ + " (" + ColumnList(kRunsTable) + ")");
  for (const Column& c : kRunsAddedSince) {
    out.push_back("ALTER TABLE " + runs_ + " ADD COLUMN IF NOT EXISTS " + c.name + " " + c.type);
  }
  out.push_back("CREATE TABLE IF NOT EXISTS " + changes_ + " (" + ColumnList(kChangesTable) +
                ", PRIMARY KEY (run_id, api_key_id, scope))");
  out.push_back("CREATE TABLE IF NOT EXISTS " + values_ + " (" + ColumnList(kValuesTable) +
                ", PRIMARY KEY (run_id, api_key_id))");
  out.push_back("CREATE TABLE IF NOT EXISTS " + plans_ + " (" + ColumnList(kPlansTable) +
                ", PRIMARY KEY (plan_sha256, part))");
  return out;
}

// "table T" or "column T.C" for each part of the audit tables that does not exist.
std::vector<std::string> AuditLog::MissingColumns(pqxx::connection& conn) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  std::vector<std::string> missing;
  auto check = [&](const std::string& table, auto begin, auto end) {
    const pqxx::result r = txn.exec_params(
        "SELECT array_agg(attname::text) FROM pg_attribute WHERE attrelid = to_regclass($1) "
        "AND attnum > 0 AND NOT attisdropped",
        table);
    if (r[0][0].is_null()) {
      missing.push_back("table " + table);
      return;
    }
    const auto have = ParseTextArray(r[0][0].c_str());
    for (auto c = begin; c != end; ++c) {
      if (std::find(have.begin(), have.end(), c->name) == have.end()) {
        missing.push_back("column " + table + "." + c->name);
      }
    }
  };
  check(runs_, std::begin(kRunsTable), std::end(kRunsTable));
  if (missing.empty() || missing[0] != "table " + runs_) {
    check(runs_, std::begin(kRunsAddedSince), std::end(kRunsAddedSince));
  }
  check(changes_, std::begin(kChangesTable), std::end(kChangesTable));
  if (with_values_) check(values_, std::begin(kValuesTable), std::end(kValuesTable));
  check(plans_, std::begin(kPlansTable), std::end(kPlansTable));
  return missing;
}

void AuditLog::EnsureTables(pqxx::connection& conn) const {
  const std::vector<std::string> missing = MissingColumns(conn);
  if (missing.empty()) return;  // pre-created: nothing to create, no CREATE privilege needed
  pqxx::work txn(conn, "audit_tables");
  SetLocalTimeouts(txn, timeouts_);
  // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists.
  const bool schema_exists =
      txn.exec_params("SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema_)[0][0]
          .as<int>() > 0;
  try {
    for (const std::string& statement : CreateStatements(!schema_exists)) txn.exec(statement);
    txn.commit();
    run_select_list_.clear();  // the runs table may have new columns
  } catch (const pqxx::insufficient_privilege& e) {
    std::string parts;
    for (const auto& part : missing) parts += (parts.empty() ? "" : ", ") + part;
    throw RuntimeFailure("the audit tables need creating (" + parts + ") and this role may not (" +
                         FirstLine(e.what()) +
                         ", SQLSTATE 42501). Have a DBA run the output of `scope-migrate "
                         "audit-sql --audit-schema " +
                         schema_ + " --grant-to ROLE` once, then run this again");
  }
}

std::string AuditLog::RunSelectList(pqxx::transaction_base& txn) const {
  if (!run_select_list_.empty()) return run_select_list_;
  const pqxx::result r = txn.exec_params(
      "SELECT array_agg(attname::text) FROM pg_attribute WHERE attrelid = to_regclass($1) AND "
      "attnum > 0 AND NOT attisdropped",
      runs_);
  const auto have =
      r[0][0].is_null() ? std::vector<std::string>{} : ParseTextArray(r[0][0].c_str());
  auto has = [&have](const std::string& name) {
    return std::find(have.begin(), have.end(), name) != have.end();
  };
  // Tables of the first version lack the columns added since: read them as NULL.
  auto column = [&has](const std::string& name) { return has(name) ? name : "NULL AS " + name; };
  auto utc = [&has](const std::string& name) {
    return has(name) ? "to_char(" + name +
                           " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS " + name
                     : "NULL::text AS " + name;
  };
  std::string list =
      "run_id, kind, status, operator, host, tool_version, mapping_sha256, "
      "plan_sha256, filter, message, keys_changed, scopes_added, scopes_removed, "
      "rolled_back_by, rollback_of";
  for (const char* name : {"host_id", "pid", "tool_commit", "taken_over_by", "batch_time_ms",
                           "last_batch_keys", "last_batch_ms", "max_batch_ms", "lock_retries",
                           "approvals", "throttled_ms", "throttle_reasons"}) {
    list += ", " + column(name);
  }
  for (const char* name :
       {"started_at", "finished_at", "cutoff", "heartbeat_at", "last_batch_at"}) {
    list += ", " + utc(name);
  }
  list += ", extract(epoch FROM clock_timestamp() - coalesce(" +
          std::string(has("heartbeat_at") ? "heartbeat_at, " : "") +
          "last_batch_at, started_at))::float8 AS heartbeat_age";
  run_select_list_ = list;
  return list;
}

std::vector<std::string> AuditLog::OtherAuditSchemas(pqxx::connection& conn) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  std::vector<std::string> out;
  for (const auto& row : txn.exec_params(
           "SELECT schemaname FROM pg_catalog.pg_tables WHERE tablename = "
           "'scope_migration_runs' AND schemaname <> $1 AND has_schema_privilege(schemaname, "
           "'USAGE') AND has_table_privilege(format('%I.%I', schemaname, tablename), 'SELECT') "
           "ORDER BY 1",
           schema_)) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

}  // namespace scope_migrate
