// The rows of scope_migration_runs: one per apply or rollback run, from its start to its
// end. The "running" row of a run is also its lease (run_lease.h decides; the statements
// are here): each batch adds its counts and renews the heartbeat in its own transaction,
// only while the row is still "running", so the row always matches the committed changes
// and a batch of a run that lost its lease rolls back (ToolError 5). The end sets the final
// status (succeeded, failed, stale, interrupted) and rollback marks the run it reverted
// "rolled-back". RunStatus and RunKind are spelled as text only here, where the table
// stores them.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "write/audit_schema.h"

namespace scope_migrate {

enum class RunStatus { kRunning, kSucceeded, kFailed, kStale, kInterrupted, kRolledBack };
enum class RunKind { kApply, kRollback };

// The text the runs table stores: "running", "succeeded", "failed", "stale",
// "interrupted", "rolled-back"; "apply", "rollback". Parse* is the inverse, and empty
// for any other text.
const char* ToString(RunStatus status);
const char* ToString(RunKind kind);
std::optional<RunStatus> ParseRunStatus(const std::string& text);
std::optional<RunKind> ParseRunKind(const std::string& text);

struct RunStart {
  RunKind kind = RunKind::kApply;
  std::string operator_name;
  std::string mapping_sha256;
  std::string plan_sha256;
  std::string cutoff;  // RFC 3339, or "" for rollback
  std::string filter;  // "" for a full run
  std::optional<int64_t> rollback_of;
};

// Who runs a run: for the lease's "is its holder gone?" and for history.
struct ProcessIdentity {
  std::string host;     // host name
  std::string host_id;  // host name, boot id and pid namespace: one process space
  int64_t pid = 0;
};

struct RunRow {
  int64_t run_id = 0;
  RunKind kind = RunKind::kApply;
  RunStatus status = RunStatus::kRunning;
  std::string started_at, finished_at, operator_name, host, tool_version;
  std::string tool_commit, mapping_sha256, plan_sha256, cutoff, filter, message;
  std::string heartbeat_at, last_batch_at, host_id;
  std::string approvals;  // the approvals an apply relied on ("role at TIME, ..."), or ""
  int64_t keys_changed = 0, scopes_added = 0, scopes_removed = 0, pid = 0;
  // Batches sized by time: the target, the last batch's keys and duration, the longest
  // batch, and how many batch attempts timed out on a lock and were tried again (0 = NULL).
  int64_t batch_time_ms = 0, last_batch_keys = 0, last_batch_ms = 0, max_batch_ms = 0;
  int64_t lock_retries = 0;
  // The health throttle: the time the run was held, and by what ("replica_lag=1200ms,...").
  int64_t throttled_ms = 0;
  std::string throttle_reasons;
  std::optional<int64_t> rolled_back_by, rollback_of, taken_over_by;
  double heartbeat_age_s = 0;  // seconds since the last heartbeat (running runs)
};

// A run row as (column, value) pairs in table order, NULL as "": what `history --run`
// prints in full.
std::vector<std::pair<std::string, std::string>> RunFields(const RunRow& run);

// A row selected with AuditLog::RunSelectList; throws RuntimeFailure on a kind or status
// this tool never writes.
RunRow ReadRunRow(const pqxx::row& row);

// What one batch wrote, added to the run's counters in the batch's transaction, and how it
// was sized: --batch-time, its keys (written or not), its duration up to this record, the
// lock timeouts it took to get there.
struct BatchCounts {
  uint64_t keys = 0, added = 0, removed = 0;
  int64_t batch_time_ms = 0;
  uint64_t batch_keys = 0;
  int64_t batch_ms = 0;
  int64_t lock_retries = 0;
};

// The lease's rows. All inside the caller's transaction, which first takes LockForNewRun
// (EXCLUSIVE on the runs table: one new run at a time).
void LockForNewRun(const AuditLog& audit, pqxx::transaction_base& txn);
std::vector<RunRow> RunningRuns(const AuditLog& audit, pqxx::transaction_base& txn);
void MarkTakenOver(const AuditLog& audit, pqxx::transaction_base& txn, int64_t old_run,
                   int64_t new_run, const std::string& reason);
int64_t InsertRunningRun(const AuditLog& audit, pqxx::transaction_base& txn, const RunStart& start,
                         const ProcessIdentity& who);
// Renews the heartbeat of a run that still holds its lease; throws ToolError(5) if not.
void Heartbeat(const AuditLog& audit, pqxx::connection& conn, int64_t run_id);

// The time the run was held by the health throttle so far, and why (ThrottleTally's
// Reasons()), in a short transaction of its own that also renews the heartbeat; throws
// ToolError(5) when the run lost its lease.
void RecordThrottle(const AuditLog& audit, pqxx::connection& conn, int64_t run_id,
                    int64_t throttled_ms, const std::string& reasons);

// Inside a batch transaction: adds the counts and renews the lease; throws ToolError(5)
// when the run lost it, so the batch rolls back.
void RecordBatch(const AuditLog& audit, pqxx::transaction_base& txn, int64_t run_id,
                 const BatchCounts& counts);

// Ends a run that still holds its lease (a run taken over keeps the taker's record).
void FinishRun(const AuditLog& audit, pqxx::connection& conn, int64_t run_id, RunStatus status,
               const std::string& message);
// Marks `original` rolled back by `rollback` and `rollback` succeeded, in one transaction.
void FinishRollback(const AuditLog& audit, pqxx::connection& conn, int64_t rollback,
                    int64_t original);

}  // namespace scope_migrate
