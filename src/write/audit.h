// The audit trail (SPEC section 3): scope_migration_runs, one row per apply or rollback
// run, and scope_migration_changes, one row per scope added or removed, written in the
// same transaction as the change itself; with scopes in a column, scope_migration_values
// also holds each key's value before and after (SPEC 10.9), from which rollback restores
// the exact previous value. Every statement on these tables is here.
//
// The tables live in the schema of the keys table or --audit-schema. EnsureTables creates
// nothing when they exist with every column (so pre-created tables need no CREATE
// privilege); CreateStatements() is the DDL it runs otherwise, and what `audit-sql`
// prints for a DBA. The "running" row of a run is also its lease (run_lease.h): each
// batch adds its counts and renews the heartbeat in its own transaction, only while the
// row is still "running", so the row always matches the committed changes and a batch of
// a run that lost its lease rolls back. The end sets the final status (succeeded, failed,
// stale, interrupted) and rollback marks the run it reverted "rolled-back".
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "base/timeouts.h"
#include "core/write_rules.h"

namespace scope_migrate {

struct RunStart {
  std::string kind;  // apply | rollback
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

// A run row as (column, value) pairs in table order, NULL as "": what `history --run`
// prints in full.
struct RunRow;
std::vector<std::pair<std::string, std::string>> RunFields(const RunRow& run);

struct RunRow {
  int64_t run_id = 0;
  std::string kind, status, started_at, finished_at, operator_name, host, tool_version;
  std::string tool_commit, mapping_sha256, plan_sha256, cutoff, filter, message;
  std::string heartbeat_at, last_batch_at, host_id;
  int64_t keys_changed = 0, scopes_added = 0, scopes_removed = 0, pid = 0;
  std::optional<int64_t> rolled_back_by, rollback_of, taken_over_by;
  double heartbeat_age_s = 0;  // seconds since the last heartbeat (running runs)
};

// What one batch wrote, added to the run's counters in the batch's transaction.
struct BatchCounts {
  uint64_t keys = 0, added = 0, removed = 0;
};

class AuditLog {
 public:
  // `schema` is unquoted; the names are quoted here. `with_values`: the layout's scopes
  // are a column, so runs record values in scope_migration_values (only then is that
  // table required and read: tables made for a layout without one need no new grant).
  AuditLog(const std::string& schema, const Timeouts& timeouts, bool with_values = false);

  const std::string& runs_table() const { return runs_; }        // quoted, qualified
  const std::string& changes_table() const { return changes_; }  // quoted, qualified
  const std::string& values_table() const { return values_; }    // quoted, qualified
  const std::string& schema() const { return schema_; }          // unquoted
  const Timeouts& timeouts() const { return timeouts_; }

  bool Exists(pqxx::connection& conn) const;  // both tables exist
  // The DDL of the audit tables, idempotent: CREATE ... IF NOT EXISTS, then ADD COLUMN IF
  // NOT EXISTS for columns added since the first version.
  std::vector<std::string> CreateStatements(bool with_schema) const;
  // Creates the tables or missing columns, or nothing when all exist; a permission error
  // says what is missing and points to `audit-sql`.
  void EnsureTables(pqxx::connection& conn) const;

  // The lease's rows; run_lease.cc decides. All inside the caller's transaction, which
  // first takes LockForNewRun (EXCLUSIVE on the runs table: one new run at a time).
  void LockForNewRun(pqxx::transaction_base& txn) const;
  std::vector<RunRow> RunningRuns(pqxx::transaction_base& txn) const;
  void MarkTakenOver(pqxx::transaction_base& txn, int64_t old_run, int64_t new_run,
                     const std::string& reason) const;
  int64_t InsertRunningRun(pqxx::transaction_base& txn, const RunStart& start,
                           const ProcessIdentity& who) const;
  // Renews the heartbeat of a run that still holds its lease; throws ToolError(5) if not.
  void Heartbeat(pqxx::connection& conn, int64_t run_id) const;

  // Ends a run that still holds its lease (a run taken over keeps the taker's record).
  void FinishRun(pqxx::connection& conn, int64_t run_id, const std::string& status,
                 const std::string& message) const;
  // Marks `original` rolled back by `rollback` and `rollback` succeeded, in one transaction.
  void FinishRollback(pqxx::connection& conn, int64_t rollback, int64_t original) const;

  std::optional<RunRow> FindRun(pqxx::connection& conn, int64_t run_id) const;
  std::vector<RunRow> History(pqxx::connection& conn) const;  // newest first
  // The apply runs of a plan, newest first.
  std::vector<RunRow> RunsOfPlan(pqxx::connection& conn, const std::string& plan_sha256) const;

  // Inside a batch transaction: the audit rows of the changes, and the batch's counts.
  void RecordChanges(pqxx::transaction_base& txn, int64_t run_id,
                     const std::vector<const KeyChange*>& changes) const;
  // The values written into a scopes column, as stored before and after.
  void RecordValues(pqxx::transaction_base& txn, int64_t run_id,
                    const std::vector<ValueChange>& values) const;
  // Adds the counts and renews the lease; throws ToolError(5) when the run lost it, so
  // the batch rolls back.
  void RecordBatch(pqxx::transaction_base& txn, int64_t run_id, const BatchCounts& counts) const;

  // Rollback. The keys of run `run_id` after `after_key` (text order) that no earlier
  // rollback of the run reverted, at most `limit`, each with the change that reverts it
  // (add = what the run removed, remove = what it added) and, for a scopes column, the
  // values the run recorded.
  std::vector<KeyChange> NextKeysToRevert(pqxx::transaction_base& txn, int64_t run_id,
                                          const std::string& after_key, size_t limit) const;
  // Of `ids`, those a later apply run (not rolled back) changed.
  std::set<std::string> TouchedLater(pqxx::transaction_base& txn, int64_t run_id,
                                     const std::vector<std::string>& ids) const;
  int64_t KeysOfRun(pqxx::connection& conn, int64_t run_id) const;

  // Streams the change rows of a run in key and scope order (constant memory).
  struct ChangeRow {
    std::string api_key_id, scope, action, committed_at;  // committed_at in UTC
  };
  void ForEachChange(pqxx::connection& conn, int64_t run_id,
                     const std::function<void(const ChangeRow&)>& visit) const;

 private:
  std::vector<std::string> MissingColumns(pqxx::connection& conn) const;
  // The columns of a run row, NULL for those an older table lacks; read once.
  std::string RunSelectList(pqxx::transaction_base& txn) const;
  // The recorded values of a change row `c` for rollback (nothing without the table).
  std::string RecordedValueColumns() const;
  std::string RecordedValueJoin() const;

  std::string schema_, quoted_schema_, runs_, changes_, values_;
  Timeouts timeouts_;
  bool with_values_ = false;
  mutable std::string run_select_list_;
};

}  // namespace scope_migrate
