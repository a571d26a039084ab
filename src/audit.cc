#include "audit.h"

#include <unistd.h>

#include "db.h"
#include "pg_text.h"

namespace scope_migrate {
namespace {

std::string HostName() {
  char buffer[256] = {0};
  if (gethostname(buffer, sizeof buffer - 1) != 0) return "unknown";
  return buffer;
}

std::string Col(const pqxx::field& f) { return f.is_null() ? "" : f.c_str(); }

RunRow ToRun(const pqxx::row& r) {
  static const std::pair<const char*, std::string RunRow::*> kTexts[] = {
      {"kind", &RunRow::kind},
      {"status", &RunRow::status},
      {"started_at", &RunRow::started_at},
      {"finished_at", &RunRow::finished_at},
      {"operator", &RunRow::operator_name},
      {"host", &RunRow::host},
      {"tool_version", &RunRow::tool_version},
      {"mapping_sha256", &RunRow::mapping_sha256},
      {"plan_sha256", &RunRow::plan_sha256},
      {"cutoff", &RunRow::cutoff},
      {"filter", &RunRow::filter},
      {"message", &RunRow::message}};
  static const std::pair<const char*, int64_t RunRow::*> kNumbers[] = {
      {"keys_changed", &RunRow::keys_changed},
      {"scopes_added", &RunRow::scopes_added},
      {"scopes_removed", &RunRow::scopes_removed}};
  RunRow run;
  run.run_id = r["run_id"].as<int64_t>();
  for (const auto& [column, member] : kTexts) run.*member = Col(r[column]);
  for (const auto& [column, member] : kNumbers) run.*member = r[column].as<int64_t>(0);
  if (!r["rolled_back_by"].is_null()) run.rolled_back_by = r["rolled_back_by"].as<int64_t>();
  if (!r["rollback_of"].is_null()) run.rollback_of = r["rollback_of"].as<int64_t>();
  return run;
}

#define UTC_TEXT(column) \
  "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS " column

const char kRunColumns[] =
    "run_id, kind, status, " UTC_TEXT("started_at") ", " UTC_TEXT("finished_at")
    ", operator, host, tool_version, mapping_sha256, plan_sha256, " UTC_TEXT("cutoff")
    ", filter, message, keys_changed, scopes_added, scopes_removed, rolled_back_by, rollback_of";

#undef UTC_TEXT

}  // namespace

AuditLog::AuditLog(pqxx::connection_base& conn, const std::string& schema, const Timeouts& timeouts)
    : schema_(schema), timeouts_(timeouts) {
  runs_ = conn.quote_name(schema) + "." + conn.quote_name("scope_migration_runs");
  changes_ = conn.quote_name(schema) + "." + conn.quote_name("scope_migration_changes");
}

bool AuditLog::Exists(pqxx::connection& conn) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  const pqxx::result r =
      txn.exec("SELECT to_regclass(" + txn.quote(runs_) + ") IS NOT NULL AND to_regclass(" +
               txn.quote(changes_) + ") IS NOT NULL");
  return r[0][0].as<bool>();
}

void AuditLog::EnsureTables(pqxx::connection& conn) const {
  pqxx::work txn(conn, "audit_tables");
  SetLocalTimeouts(txn, timeouts_);
  txn.exec("CREATE SCHEMA IF NOT EXISTS " + conn.quote_name(schema_));
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

int AuditLog::MarkOrphanedRuns(pqxx::connection& conn) const {
  pqxx::work txn(conn, "orphaned_runs");
  SetLocalTimeouts(txn, timeouts_);
  const pqxx::result r =
      txn.exec("UPDATE " + runs_ +
               " SET status = 'interrupted', finished_at = coalesce(finished_at, now()), "
               "message = 'found running by a later run: the process ended without finishing "
               "(killed or lost its connection); committed batches stay' WHERE status = 'running'");
  txn.commit();
  return static_cast<int>(r.affected_rows());
}

int64_t AuditLog::StartRun(pqxx::connection& conn, const RunStart& s) const {
  pqxx::work txn(conn, "start_run");
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

void AuditLog::FinishRun(pqxx::connection& conn, int64_t run_id, const std::string& status,
                         const std::string& message) const {
  pqxx::work txn(conn, "finish_run");
  SetLocalTimeouts(txn, timeouts_);
  txn.exec_params("UPDATE " + runs_ +
                      " SET status = $2, finished_at = clock_timestamp(), message = nullif($3, '') "
                      "WHERE run_id = $1",
                  run_id, status, message);
  txn.commit();
}

void AuditLog::FinishRollback(pqxx::connection& conn, int64_t rollback, int64_t original) const {
  pqxx::work txn(conn, "finish_rollback");
  SetLocalTimeouts(txn, timeouts_);
  txn.exec_params(
      "UPDATE " + runs_ + " SET status = 'rolled-back', rolled_back_by = $2 WHERE run_id = $1",
      original, rollback);
  txn.exec_params("UPDATE " + runs_ +
                      " SET status = 'succeeded', finished_at = clock_timestamp() "
                      "WHERE run_id = $1",
                  rollback);
  txn.commit();
}

std::optional<RunRow> AuditLog::FindRun(pqxx::connection& conn, int64_t run_id) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  const pqxx::result r = txn.exec_params(
      std::string("SELECT ") + kRunColumns + " FROM " + runs_ + " WHERE run_id = $1", run_id);
  if (r.empty()) return std::nullopt;
  return ToRun(r[0]);
}

std::optional<RunRow> AuditLog::RunningRun(pqxx::connection& conn) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  if (txn.exec("SELECT to_regclass(" + txn.quote(runs_) + ") IS NULL")[0][0].as<bool>()) {
    return std::nullopt;
  }
  const pqxx::result r = txn.exec(std::string("SELECT ") + kRunColumns + " FROM " + runs_ +
                                  " WHERE status = 'running' ORDER BY run_id DESC LIMIT 1");
  if (r.empty()) return std::nullopt;
  return ToRun(r[0]);
}

std::vector<RunRow> AuditLog::History(pqxx::connection& conn) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  std::vector<RunRow> out;
  for (const auto& row : txn.exec(std::string("SELECT ") + kRunColumns + " FROM " + runs_ +
                                  " ORDER BY run_id DESC")) {
    out.push_back(ToRun(row));
  }
  return out;
}

void AuditLog::RecordChanges(pqxx::transaction_base& txn, int64_t run_id,
                             const std::vector<const KeyChange*>& changes) const {
  if (changes.empty()) return;
  pqxx::stream_to stream(txn, changes_,
                         std::vector<std::string>{"run_id", "api_key_id", "scope", "action"});
  const std::string add = "add", remove = "remove";
  for (const KeyChange* change : changes) {
    for (const auto& scope : change->add) stream << std::make_tuple(run_id, change->id, scope, add);
    for (const auto& scope : change->remove) {
      stream << std::make_tuple(run_id, change->id, scope, remove);
    }
  }
  stream.complete();
}

void AuditLog::RecordBatch(pqxx::transaction_base& txn, int64_t run_id,
                           const BatchCounts& counts) const {
  txn.exec_params("UPDATE " + runs_ +
                      " SET keys_changed = keys_changed + $2, scopes_added = scopes_added + $3, "
                      "scopes_removed = scopes_removed + $4, last_batch_at = clock_timestamp() "
                      "WHERE run_id = $1",
                  run_id, static_cast<int64_t>(counts.keys), static_cast<int64_t>(counts.added),
                  static_cast<int64_t>(counts.removed));
}

std::vector<KeyChange> AuditLog::NextKeysToRevert(pqxx::transaction_base& txn, int64_t run_id,
                                                  const std::string& after_key,
                                                  size_t limit) const {
  // Keyset pagination through the changes' primary key (run_id, api_key_id, scope); keys
  // already reverted by an earlier rollback of the run are passed over, so an
  // interrupted rollback resumes where it stopped.
  const pqxx::result rows = txn.exec_params(
      "WITH batch AS (SELECT DISTINCT c.api_key_id FROM " + changes_ +
          " c WHERE c.run_id = $1 AND c.api_key_id > $2 AND NOT EXISTS (SELECT 1 FROM " + runs_ +
          " rr JOIN " + changes_ +
          " d ON d.run_id = rr.run_id AND d.api_key_id = c.api_key_id "
          "WHERE rr.rollback_of = $1 AND rr.kind = 'rollback') ORDER BY 1 LIMIT $3) "
          "SELECT c.api_key_id, c.scope, c.action FROM " +
          changes_ +
          " c JOIN batch b ON b.api_key_id = c.api_key_id WHERE c.run_id = $1 ORDER BY 1, 2",
      run_id, after_key, static_cast<int64_t>(limit));
  std::vector<KeyChange> keys;
  for (const auto& row : rows) {
    if (keys.empty() || keys.back().id != row[0].c_str()) {
      keys.emplace_back();
      keys.back().id = row[0].c_str();
    }
    // The reverse of what the run did: remove what it added, add back what it removed.
    auto& list = std::string(row[2].c_str()) == "add" ? keys.back().remove : keys.back().add;
    list.emplace_back(row[1].c_str());
  }
  return keys;
}

std::set<std::string> AuditLog::TouchedLater(pqxx::transaction_base& txn, int64_t run_id,
                                             const std::vector<std::string>& ids) const {
  std::set<std::string> out;
  for (const auto& row :
       txn.exec_params("SELECT k FROM unnest($2::text[]) AS k WHERE EXISTS (SELECT 1 FROM " +
                           runs_ + " r JOIN " + changes_ +
                           " c ON c.run_id = r.run_id AND c.api_key_id = k WHERE r.run_id > $1 AND "
                           "r.kind = 'apply' AND r.status <> 'rolled-back')",
                       run_id, TextArrayLiteral(ids))) {
    out.insert(row[0].c_str());
  }
  return out;
}

int64_t AuditLog::KeysOfRun(pqxx::connection& conn, int64_t run_id) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  return txn
      .exec_params("SELECT count(DISTINCT api_key_id) FROM " + changes_ + " WHERE run_id = $1",
                   run_id)[0][0]
      .as<int64_t>();
}

}  // namespace scope_migrate
