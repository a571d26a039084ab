#include "write/run_rows.h"

#include <iterator>

#include "base/errors.h"
#include "base/version.h"
#include "pg/db.h"

namespace scope_migrate {
namespace {

const char* const kStatusNames[] = {"running", "succeeded",   "failed",
                                    "stale",   "interrupted", "rolled-back"};  // enum order
const char* const kKindNames[] = {"apply", "rollback"};                        // enum order

std::string Col(const pqxx::field& f) { return f.is_null() ? "" : f.c_str(); }

ToolError LostLease(int64_t run_id) {
  return ToolError(kExitLocked, "run " + std::to_string(run_id) +
                                    " lost its lease: another run took it over (its heartbeat "
                                    "was older than --lock-lease); see `scope-migrate history`");
}

}  // namespace

const char* ToString(RunStatus status) { return kStatusNames[static_cast<int>(status)]; }
const char* ToString(RunKind kind) { return kKindNames[static_cast<int>(kind)]; }

std::optional<RunStatus> ParseRunStatus(const std::string& text) {
  for (size_t i = 0; i < std::size(kStatusNames); ++i) {
    if (text == kStatusNames[i]) return static_cast<RunStatus>(i);
  }
  return std::nullopt;
}

std::optional<RunKind> ParseRunKind(const std::string& text) {
  for (size_t i = 0; i < std::size(kKindNames); ++i) {
    if (text == kKindNames[i]) return static_cast<RunKind>(i);
  }
  return std::nullopt;
}

RunRow ReadRunRow(const pqxx::row& r) {
  static const std::pair<const char*, std::string RunRow::*> kTexts[] = {
      {"started_at", &RunRow::started_at},
      {"finished_at", &RunRow::finished_at},
      {"operator", &RunRow::operator_name},
      {"host", &RunRow::host},
      {"tool_version", &RunRow::tool_version},
      {"mapping_sha256", &RunRow::mapping_sha256},
      {"plan_sha256", &RunRow::plan_sha256},
      {"cutoff", &RunRow::cutoff},
      {"filter", &RunRow::filter},
      {"message", &RunRow::message},
      {"host_id", &RunRow::host_id},
      {"tool_commit", &RunRow::tool_commit},
      {"heartbeat_at", &RunRow::heartbeat_at},
      {"last_batch_at", &RunRow::last_batch_at},
      {"approvals", &RunRow::approvals},
      {"throttle_reasons", &RunRow::throttle_reasons}};
  static const std::pair<const char*, int64_t RunRow::*> kNumbers[] = {
      {"keys_changed", &RunRow::keys_changed},     {"scopes_added", &RunRow::scopes_added},
      {"scopes_removed", &RunRow::scopes_removed}, {"pid", &RunRow::pid},
      {"batch_time_ms", &RunRow::batch_time_ms},   {"last_batch_keys", &RunRow::last_batch_keys},
      {"last_batch_ms", &RunRow::last_batch_ms},   {"max_batch_ms", &RunRow::max_batch_ms},
      {"lock_retries", &RunRow::lock_retries},     {"throttled_ms", &RunRow::throttled_ms}};
  static const std::pair<const char*, std::optional<int64_t> RunRow::*> kOptional[] = {
      {"rolled_back_by", &RunRow::rolled_back_by},
      {"rollback_of", &RunRow::rollback_of},
      {"taken_over_by", &RunRow::taken_over_by}};
  RunRow run;
  run.run_id = r["run_id"].as<int64_t>();
  for (const auto& [column, member] : kTexts) run.*member = Col(r[column]);
  for (const auto& [column, member] : kNumbers) run.*member = r[column].as<int64_t>(0);
  for (const auto& [column, member] : kOptional) {
    if (!r[column].is_null()) run.*member = r[column].as<int64_t>();
  }
  run.heartbeat_age_s = r["heartbeat_age"].as<double>(0);
  const auto kind = ParseRunKind(Col(r["kind"]));
  const auto status = ParseRunStatus(Col(r["status"]));
  if (!kind || !status) {
    throw RuntimeFailure("run " + std::to_string(run.run_id) + " has an unknown kind \"" +
                         Col(r["kind"]) + "\" or status \"" + Col(r["status"]) + "\"");
  }
  run.kind = *kind;
  run.status = *status;
  return run;
}

std::vector<std::pair<std::string, std::string>> RunFields(const RunRow& r) {
  auto number = [](int64_t n) { return std::to_string(n); };
  auto optional = [](const std::optional<int64_t>& n) { return n ? std::to_string(*n) : ""; };
  return {{"run_id", number(r.run_id)},
          {"kind", ToString(r.kind)},
          {"status", ToString(r.status)},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"operator", r.operator_name},
          {"host", r.host},
          {"host_id", r.host_id},
          {"pid", r.pid ? number(r.pid) : ""},
          {"tool_version", r.tool_version},
          {"tool_commit", r.tool_commit},
          {"mapping_sha256", r.mapping_sha256},
          {"plan_sha256", r.plan_sha256},
          {"cutoff", r.cutoff},
          {"filter", r.filter},
          {"keys_changed", number(r.keys_changed)},
          {"scopes_added", number(r.scopes_added)},
          {"scopes_removed", number(r.scopes_removed)},
          {"rolled_back_by", optional(r.rolled_back_by)},
          {"rollback_of", optional(r.rollback_of)},
          {"taken_over_by", optional(r.taken_over_by)},
          {"heartbeat_at", r.heartbeat_at},
          {"last_batch_at", r.last_batch_at},
          {"batch_time_ms", r.batch_time_ms ? number(r.batch_time_ms) : ""},
          {"last_batch_keys", r.last_batch_keys ? number(r.last_batch_keys) : ""},
          {"last_batch_ms", r.last_batch_ms ? number(r.last_batch_ms) : ""},
          {"max_batch_ms", r.max_batch_ms ? number(r.max_batch_ms) : ""},
          {"lock_retries", number(r.lock_retries)},
          {"throttled_ms", number(r.throttled_ms)},
          {"throttle_reasons", r.throttle_reasons},
          {"approvals", r.approvals},
          {"message", r.message}};
}

void LockForNewRun(const AuditLog& audit, pqxx::transaction_base& txn) {
  return NeedsPrivilege(
      "UPDATE on " + audit.runs_table() + " (LOCK TABLE ... IN EXCLUSIVE MODE)",
      [&] { txn.exec("LOCK TABLE " + audit.runs_table() + " IN EXCLUSIVE MODE"); });
}

std::vector<RunRow> RunningRuns(const AuditLog& audit, pqxx::transaction_base& txn) {
  return NeedsPrivilege("SELECT on " + audit.runs_table(), [&] {
    std::vector<RunRow> out;
    for (const auto& row :
         txn.exec("SELECT " + audit.RunSelectList(txn) + " FROM " + audit.runs_table() +
                  " WHERE status = 'running' ORDER BY run_id DESC")) {
      out.push_back(ReadRunRow(row));
    }
    return out;
  });
}

void MarkTakenOver(const AuditLog& audit, pqxx::transaction_base& txn, int64_t old_run,
                   int64_t new_run, const std::string& reason) {
  return NeedsPrivilege("UPDATE on " + audit.runs_table(), [&] {
    txn.exec_params("UPDATE " + audit.runs_table() +
                        " SET status = 'interrupted', taken_over_by = $2, "
                        "finished_at = coalesce(finished_at, clock_timestamp()), message = $3 "
                        "WHERE run_id = $1 AND status = 'running'",
                    old_run, new_run, reason);
  });
}

int64_t InsertRunningRun(const AuditLog& audit, pqxx::transaction_base& txn, const RunStart& s,
                         const ProcessIdentity& who) {
  return NeedsPrivilege("INSERT on " + audit.runs_table(), [&] {
    const int64_t run_id =
        txn.exec("SELECT coalesce(max(run_id), 0) + 1 FROM " + audit.runs_table())[0][0]
            .as<int64_t>();
    txn.exec_params(
        "INSERT INTO " + audit.runs_table() +
            " (run_id, kind, status, started_at, heartbeat_at, operator, host, host_id, pid, "
            "tool_version, tool_commit, mapping_sha256, plan_sha256, cutoff, filter, rollback_of) "
            "VALUES ($1, $2, 'running', clock_timestamp(), clock_timestamp(), $3, $4, $5, $6, $7, "
            "$8, $9, $10, nullif($11, '')::timestamptz, nullif($12, ''), $13)",
        run_id, std::string(ToString(s.kind)), s.operator_name, who.host, who.host_id, who.pid,
        std::string(ToolVersion()), std::string(ToolCommit()), s.mapping_sha256, s.plan_sha256,
        s.cutoff, s.filter, s.rollback_of ? std::to_string(*s.rollback_of).c_str() : nullptr);
    return run_id;
  });
}

void Heartbeat(const AuditLog& audit, pqxx::connection& conn, int64_t run_id) {
  return NeedsPrivilege("UPDATE on " + audit.runs_table(), [&] {
    pqxx::work txn(conn, "heartbeat");
    SetLocalTimeouts(txn, audit.timeouts());
    const pqxx::result r = txn.exec_params("UPDATE " + audit.runs_table() +
                                               " SET heartbeat_at = clock_timestamp() "
                                               "WHERE run_id = $1 AND status = 'running'",
                                           run_id);
    if (r.affected_rows() != 1) throw LostLease(run_id);
    txn.commit();
  });
}

void RecordThrottle(const AuditLog& audit, pqxx::connection& conn, int64_t run_id,
                    int64_t throttled_ms, const std::string& reasons) {
  return NeedsPrivilege("UPDATE on " + audit.runs_table(), [&] {
    pqxx::work txn(conn, "record_throttle");
    SetLocalTimeouts(txn, audit.timeouts());
    const pqxx::result r = txn.exec_params(
        "UPDATE " + audit.runs_table() +
            " SET heartbeat_at = clock_timestamp(), throttled_ms = greatest(throttled_ms, $2), "
            "throttle_reasons = nullif($3, '') WHERE run_id = $1 AND status = 'running'",
        run_id, throttled_ms, reasons);
    if (r.affected_rows() != 1) throw LostLease(run_id);
    txn.commit();
  });
}

void FinishRun(const AuditLog& audit, pqxx::connection& conn, int64_t run_id, RunStatus status,
               const std::string& message) {
  return NeedsPrivilege("UPDATE on " + audit.runs_table(), [&] {
    pqxx::work txn(conn, "finish_run");
    SetLocalTimeouts(txn, audit.timeouts());
    txn.exec_params(
        "UPDATE " + audit.runs_table() +
            " SET status = $2, finished_at = clock_timestamp(), message = nullif($3, '') "
            "WHERE run_id = $1 AND status = 'running'",
        run_id, std::string(ToString(status)), message);
    txn.commit();
  });
}

void FinishRollback(const AuditLog& audit, pqxx::connection& conn, int64_t rollback,
                    int64_t original) {
  return NeedsPrivilege("UPDATE on " + audit.runs_table(), [&] {
    pqxx::work txn(conn, "finish_rollback");
    SetLocalTimeouts(txn, audit.timeouts());
    const pqxx::result r = txn.exec_params("UPDATE " + audit.runs_table() +
                                               " SET status = 'succeeded', finished_at = "
                                               "clock_timestamp() WHERE run_id = $1 AND status = "
                                               "'running'",
                                           rollback);
    if (r.affected_rows() != 1) throw LostLease(rollback);
    // A resume hint in the reverted run's message would invite re-applying what was undone.
    txn.exec_params(
        "UPDATE " + audit.runs_table() +
            " SET status = 'rolled-back', rolled_back_by = $2::bigint, message = CASE WHEN "
            "strpos(message, 'Resume with: ') > 0 THEN left(message, strpos(message, "
            "'Resume with: ') - 1) || 'Rolled back by run ' || $2::bigint || ' (do not resume "
            "it).' ELSE message END WHERE run_id = $1",
        original, rollback);
    txn.commit();
  });
}

void RecordBatch(const AuditLog& audit, pqxx::transaction_base& txn, int64_t run_id,
                 const BatchCounts& counts) {
  return NeedsPrivilege("UPDATE on " + audit.runs_table(), [&] {
    const pqxx::result r = txn.exec_params(
        "UPDATE " + audit.runs_table() +
            " SET keys_changed = keys_changed + $2, scopes_added = scopes_added + $3, "
            "scopes_removed = scopes_removed + $4, last_batch_at = clock_timestamp(), "
            "heartbeat_at = clock_timestamp(), batch_time_ms = $5, last_batch_keys = $6, "
            "last_batch_ms = $7, max_batch_ms = greatest(max_batch_ms, $7), "
            "lock_retries = lock_retries + $8 WHERE run_id = $1 AND status = 'running'",
        run_id, static_cast<int64_t>(counts.keys), static_cast<int64_t>(counts.added),
        static_cast<int64_t>(counts.removed), counts.batch_time_ms,
        static_cast<int64_t>(counts.batch_keys), counts.batch_ms, counts.lock_retries);
    if (r.affected_rows() != 1) throw LostLease(run_id);
  });
}

}  // namespace scope_migrate
