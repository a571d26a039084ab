#include "audit.h"

#include <unistd.h>

#include "db.h"

namespace scope_migrate {
namespace {

std::string HostName() {
  char buffer[256] = {0};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

std::string Col(const pqxx::field& f) { return f.is_null() ? "" : f.c_str(); }

RunRow ToRun(const pqxx::row& r) {
  RunRow run;
  run.run_id = r["run_id"].as<int64_t>();
  run.kind = Col(r["kind"]);
  run.status = Col(r["status"]);
  run.started_at = Col(r["started_at"]);
  run.finished_at = Col(r["finished_at"]);
  run.operator_name = Col(r["operator"]);
  run.host = Col(r["host"]);
  run.tool_version = Col(r["tool_version"]);
  run.mapping_sha256 = Col(r["mapping_sha256"]);
  run.plan_sha256 = Col(r["plan_sha256"]);
  run.cutoff = Col(r["cutoff"]);
  run.filter = Col(r["filter"]);
  run.message = Col(r["message"]);
  run.keys_changed = r["keys_changed"].as<int64_t>(0);
  run.scopes_added = r["scopes_added"].as<int64_t>(0);
  run.scopes_removed = r["scopes_removed"].as<int64_t>(0);
  if (!r["rolled_back_by"].is_null()) run.rolled_back_by = r["rolled_back_by"].as<int64_t>();
  if (!r["rollback_of"].is_null()) run.rollback_of = r["rollback_of"].as<int64_t>();
  return run;
}

const char kRunColumns[] =
    "run_id, kind, status, to_char(started_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
    "AS started_at, to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS "
    "finished_at, operator, host, tool_version, mapping_sha256, plan_sha256, "
    "to_char(cutoff AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS cutoff, filter, "
    "message, "
    "keys_changed, scopes_added, scopes_removed, rolled_back_by, rollback_of";

}  // namespace

AuditLog::AuditLog(pqxx::connection& conn, const std::string& schema, const Timeouts& timeouts)
    : conn_(conn), schema_(schema), timeouts_(timeouts) {
  runs_ = conn.quote_name(schema) + "." + conn.quote_name("scope_migration_runs");
  changes_ = conn.quote_name(schema) + "." + conn.quote_name("scope_migration_changes");
}

bool AuditLog::Exists() {
  pqxx::read_transaction txn(conn_);
  SetLocalTimeouts(txn, timeouts_);
  const pqxx::result r =
      txn.exec("SELECT to_regclass(" + txn.quote(runs_) + ") IS NOT NULL AND to_regclass(" +
               txn.quote(changes_) + ") IS NOT NULL");
  return r[0][0].as<bool>();
}

void AuditLog::EnsureTables() {
  pqxx::work txn(conn_, "audit_tables");
  SetLocalTimeouts(txn, timeouts_);
  txn.exec("CREATE SCHEMA IF NOT EXISTS " + conn_.quote_name(schema_));
  txn.exec(
      "CREATE TABLE IF NOT EXISTS " + runs_ +
      " (run_id bigint PRIMARY KEY, kind text NOT NULL, status text NOT NULL, "
      "started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz, operator text, "
      "host text, tool_version text, mapping_sha256 text, plan_sha256 text, cutoff timestamptz, "
      "keys_changed bigint NOT NULL DEFAULT 0, scopes_added bigint NOT NULL DEFAULT 0, "
      "scopes_removed bigint NOT NULL DEFAULT 0, rolled_back_by bigint, rollback_of bigint, "
      "filter text, message text, last_batch_at timestamptz)");
  txn.exec("CREATE TABLE IF NOT EXISTS " + changes_ +
           " (run_id bigint NOT NULL, api_key_id text NOT NULL, scope text NOT NULL, "
           "action text NOT NULL CHECK (action IN ('add', 'remove')), "
           "committed_at timestamptz NOT NULL DEFAULT now(), "
           "PRIMARY KEY (run_id, api_key_id, scope))");
  txn.commit();
}

int AuditLog::MarkOrphanedRuns() {
  pqxx::work txn(conn_, "orphaned_runs");
  SetLocalTimeouts(txn, timeouts_);
  const pqxx::result r =
      txn.exec("UPDATE " + runs_ +
               " SET status = 'interrupted', finished_at = coalesce(finished_at, now()), "
               "message = 'found running by a later run: the process ended without finishing "
               "(killed or lost its connection); committed batches stay' WHERE status = 'running'");
  txn.commit();
  return static_cast<int>(r.affected_rows());
}

int64_t AuditLog::StartRun(const RunStart& s) {
  pqxx::work txn(conn_, "start_run");
  SetLocalTimeouts(txn, timeouts_);
  txn.exec("LOCK TABLE " + runs_ + " IN EXCLUSIVE MODE");
  const int64_t run_id =
      txn.exec("SELECT coalesce(max(run_id), 0) + 1 FROM " + runs_)[0][0].as<int64_t>();
  txn.exec_params("INSERT INTO " + runs_ +
                      " (run_id, kind, status, started_at, operator, host, tool_version, "
                      "mapping_sha256, plan_sha256, cutoff, filter, rollback_of) VALUES "
                      "($1, $2, 'running', clock_timestamp(), $3, $4, $5, $6, $7, "
                      "nullif($8, '')::timestamptz, nullif($9, ''), $10)",
                  run_id, s.kind, s.operator_name, HostName(), std::string(SCOPE_MIGRATE_VERSION),
                  s.mapping_sha256, s.plan_sha256, s.cutoff, s.filter,
                  s.rollback_of ? std::to_string(*s.rollback_of).c_str() : nullptr);
  txn.commit();
  return run_id;
}

void AuditLog::FinishRun(int64_t run_id, const std::string& status, const std::string& message) {
  pqxx::work txn(conn_, "finish_run");
  SetLocalTimeouts(txn, timeouts_);
  txn.exec_params("UPDATE " + runs_ +
                      " SET status = $2, finished_at = clock_timestamp(), message = nullif($3, '') "
                      "WHERE run_id = $1",
                  run_id, status, message);
  txn.commit();
}

void AuditLog::AddCounts(pqxx::transaction_base& txn, int64_t run_id, int64_t keys, int64_t added,
                         int64_t removed) {
  txn.exec_params("UPDATE " + runs_ +
                      " SET keys_changed = keys_changed + $2, scopes_added = scopes_added + $3, "
                      "scopes_removed = scopes_removed + $4, last_batch_at = clock_timestamp() "
                      "WHERE run_id = $1",
                  run_id, keys, added, removed);
}

std::optional<RunRow> AuditLog::FindRun(int64_t run_id) {
  pqxx::read_transaction txn(conn_);
  SetLocalTimeouts(txn, timeouts_);
  const pqxx::result r = txn.exec_params(
      std::string("SELECT ") + kRunColumns + " FROM " + runs_ + " WHERE run_id = $1", run_id);
  if (r.empty()) return std::nullopt;
  return ToRun(r[0]);
}

std::optional<RunRow> AuditLog::RunningRun() {
  pqxx::read_transaction txn(conn_);
  SetLocalTimeouts(txn, timeouts_);
  if (txn.exec("SELECT to_regclass(" + txn.quote(runs_) + ") IS NULL")[0][0].as<bool>())
    return std::nullopt;
  const pqxx::result r = txn.exec(std::string("SELECT ") + kRunColumns + " FROM " + runs_ +
                                  " WHERE status = 'running' ORDER BY run_id DESC LIMIT 1");
  if (r.empty()) return std::nullopt;
  return ToRun(r[0]);
}

std::vector<RunRow> AuditLog::History() {
  pqxx::read_transaction txn(conn_);
  SetLocalTimeouts(txn, timeouts_);
  std::vector<RunRow> out;
  for (const auto& row : txn.exec(std::string("SELECT ") + kRunColumns + " FROM " + runs_ +
                                  " ORDER BY run_id DESC")) {
    out.push_back(ToRun(row));
  }
  return out;
}

}  // namespace scope_migrate
