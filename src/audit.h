// The audit trail (SPEC section 3): scope_migration_runs, one row per apply or rollback
// run, and scope_migration_changes, one row per scope added or removed, written in the
// same transaction as the change itself. Every statement on these tables is here.
//
// The tables are created if missing, in the schema of the keys table or --audit-schema. A
// run row is committed as "running" before the first batch; each batch adds its counts in
// its own transaction, so the row always matches the committed changes; the end sets the
// final status (succeeded, failed, stale, interrupted) and rollback marks the run it
// reverted "rolled-back". A run left "running" by a killed process is marked
// "interrupted" by the next run that takes the lock.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "timeouts.h"
#include "write_rules.h"

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

struct RunRow {
  int64_t run_id = 0;
  std::string kind, status, started_at, finished_at, operator_name, host, tool_version;
  std::string mapping_sha256, plan_sha256, cutoff, filter, message;
  int64_t keys_changed = 0, scopes_added = 0, scopes_removed = 0;
  std::optional<int64_t> rolled_back_by, rollback_of;
};

// What one batch wrote, added to the run's counters in the batch's transaction.
struct BatchCounts {
  uint64_t keys = 0, added = 0, removed = 0;
};

class AuditLog {
 public:
  // `schema` is unquoted; the names are quoted here (with `conn`'s quoting rules).
  AuditLog(pqxx::connection_base& conn, const std::string& schema, const Timeouts& timeouts);

  const std::string& runs_table() const { return runs_; }        // quoted, qualified
  const std::string& changes_table() const { return changes_; }  // quoted, qualified

  bool Exists(pqxx::connection& conn) const;           // both tables exist
  void EnsureTables(pqxx::connection& conn) const;     // CREATE ... IF NOT EXISTS
  int MarkOrphanedRuns(pqxx::connection& conn) const;  // running -> interrupted; under the lock
  int64_t StartRun(pqxx::connection& conn, const RunStart& start) const;  // commits "running"
  void FinishRun(pqxx::connection& conn, int64_t run_id, const std::string& status,
                 const std::string& message) const;
  // Marks `original` rolled back by `rollback` and `rollback` succeeded, in one transaction.
  void FinishRollback(pqxx::connection& conn, int64_t rollback, int64_t original) const;

  std::optional<RunRow> FindRun(pqxx::connection& conn, int64_t run_id) const;
  std::optional<RunRow> RunningRun(pqxx::connection& conn) const;  // newest, if tables exist
  std::vector<RunRow> History(pqxx::connection& conn) const;       // newest first

  // Inside a batch transaction: the audit rows of the changes, and the batch's counts.
  void RecordChanges(pqxx::transaction_base& txn, int64_t run_id,
                     const std::vector<const KeyChange*>& changes) const;
  void RecordBatch(pqxx::transaction_base& txn, int64_t run_id, const BatchCounts& counts) const;

  // Rollback. The keys of run `run_id` after `after_key` (text order) that no earlier
  // rollback of the run reverted, at most `limit`, each with the change that reverts it
  // (add = what the run removed, remove = what it added).
  std::vector<KeyChange> NextKeysToRevert(pqxx::transaction_base& txn, int64_t run_id,
                                          const std::string& after_key, size_t limit) const;
  // Of `ids`, those a later apply run (not rolled back) changed.
  std::set<std::string> TouchedLater(pqxx::transaction_base& txn, int64_t run_id,
                                     const std::vector<std::string>& ids) const;
  int64_t KeysOfRun(pqxx::connection& conn, int64_t run_id) const;

 private:
  std::string schema_, runs_, changes_;
  Timeouts timeouts_;
};

}  // namespace scope_migrate
