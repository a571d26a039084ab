// The audit trail (SPEC section 3): scope_migration_runs, one row per apply or rollback
// run, and scope_migration_changes, one row per scope added or removed, written in the
// same transaction as the change itself. The tables are created if missing, in the schema
// of the keys table or --audit-schema. A run row is committed as "running" before the
// first batch and kept true at the end (succeeded, failed, stale, interrupted,
// rolled-back); a run left "running" by a killed process is marked "interrupted" by the
// next run that takes the lock.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "db.h"

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

class AuditLog {
 public:
  // `schema` is unquoted; the names are quoted here.
  AuditLog(pqxx::connection& conn, const std::string& schema, const Timeouts& timeouts);

  const std::string& runs_table() const { return runs_; }        // quoted, qualified
  const std::string& changes_table() const { return changes_; }  // quoted, qualified

  bool Exists();           // both tables exist
  void EnsureTables();     // CREATE SCHEMA/TABLE IF NOT EXISTS, own transaction
  int MarkOrphanedRuns();  // running -> interrupted; call only while holding the lock
  int64_t StartRun(const RunStart& start);  // commits a "running" row, returns its id
  void FinishRun(int64_t run_id, const std::string& status, const std::string& message);
  std::optional<RunRow> FindRun(int64_t run_id);
  std::optional<RunRow> RunningRun();  // the newest "running" row, if the table exists
  std::vector<RunRow> History();       // newest first

  // Inside a batch transaction: add the batch's counts to the run row.
  void AddCounts(pqxx::transaction_base& txn, int64_t run_id, int64_t keys, int64_t added,
                 int64_t removed);

 private:
  pqxx::connection& conn_;
  std::string schema_, runs_, changes_;
  Timeouts timeouts_;
};

}  // namespace scope_migrate
