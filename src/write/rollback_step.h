// Rollback of one apply run as a step of the batch loop (batch_runner.h): the batches are
// the run's keys, read from its audit rows in key order, passing over keys an earlier,
// interrupted rollback of the run already reverted (so a rollback resumes). A key is
// reverted (the scopes the run added removed, those it removed added back) only when the
// revert rule (write_rules.h) finds it still as the run left it and untouched by a later
// apply run; otherwise it changed since and is left alone, so a rollback never undoes
// someone else's work. The rollback is a run of its own whose audit rows are the reverse
// actions; when it ends well the original run is marked "rolled-back". As a dry run (no
// --yes) the same batches are read in read-only transactions and the keys are listed.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "plan/planned_changes.h"
#include "write/batch_runner.h"

namespace scope_migrate {

class RollbackStep : public WriteStep {
 public:
  // `plan`: the changes of the run's plan; a key whose audit rows match none of them stops
  // the run before its batch writes (audit_check.h).
  RollbackStep(const AuditLog& audit, int64_t run_id, bool dry_run, std::ostream& out,
               const PlannedChanges& plan, const ResolvedLayout& layout)
      : audit_(audit),
        run_id_(run_id),
        dry_run_(dry_run),
        out_(out),
        plan_(plan),
        layout_(layout) {}

  bool Next(pqxx::connection& conn, size_t limit, Batch& batch) override;
  Selection Select(pqxx::transaction_base& txn, const Batch& batch, const KeyStates& now) override;
  void FinishSucceeded(pqxx::connection& conn, const AuditLog& audit, int64_t run_id) override;

  static constexpr uint64_t kKeysListed = 200;  // dry run: keys listed with their scopes

 private:
  void List(const KeyChange& key);

  const AuditLog& audit_;
  const int64_t run_id_;  // the apply run being reverted
  const bool dry_run_;
  std::ostream& out_;
  const PlannedChanges& plan_;
  const ResolvedLayout& layout_;
  std::string last_key_;  // keyset pagination: "" sorts before every id
  uint64_t listed_ = 0;
};

// The closing lines of a rollback of `run_id` (or of its dry run).
void PrintRollbackReport(std::ostream& out, int64_t run_id, bool dry_run, const RunEnd& end);

}  // namespace scope_migrate
