// The applier: writes a verified plan file to PostgreSQL in batches. Each batch is one
// transaction that locks its keys (FOR UPDATE, in id order), re-reads their roles and
// scopes, and checks each key's fingerprint against the plan: a key still as planned is
// written; a key already in its planned final state (a resumed run) is skipped; anything
// else is a stale plan, and the batch rolls back whole (exit 4). Adds go straight
// into the scopes table with COPY (the keys are locked and verified, so none exists yet),
// removes through COPY into a temporary table and one DELETE, and the audit rows (COPY) and
// the run's counts are written in the same transaction, so the audit always matches the
// tables. A key's changes are never split across batches.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <pqxx/pqxx>
#include <string>

#include "audit.h"
#include "db.h"
#include "layout.h"
#include "plan_file.h"
#include "progress.h"

namespace scope_migrate {

struct ApplyOptions {
  size_t batch_size = 1000;
  bool single_transaction = false;
  int64_t pause_ms = 0;
  double max_rate = 0;  // keys per second, 0 = unlimited
  Timeouts timeouts;
  ProgressMode progress = ProgressMode::kAuto;
  std::string resume_hint;  // the command to re-run, shown after a failure
  // Test hook: called at "lock", "write" and "commit" of each batch (0-based); may throw.
  std::function<void(size_t batch, const std::string& phase)> fault;
};

struct ApplyOutcome {
  int exit_code = 0;
  int64_t run_id = 0;
  uint64_t keys_changed = 0, scopes_added = 0, scopes_removed = 0;
  uint64_t already_applied = 0, batches_committed = 0, blocked = 0;
  std::string status;   // as recorded in scope_migration_runs
  std::string message;  // what happened, for stderr on failure
};

// Requires the run lock to be held on `conn` and the audit tables to exist.
ApplyOutcome ApplyPlan(pqxx::connection& conn, AuditLog& audit, const ResolvedLayout& layout,
                       const PlanFile& plan, const ApplyOptions& options,
                       const std::string& operator_name, const std::string& filter,
                       std::ostream& out);

// --pause and --max-rate between two batches; returns false when interrupted meanwhile.
bool PauseBetweenBatches(const ApplyOptions& options, uint64_t keys_done,
                         std::chrono::steady_clock::time_point started, Progress& progress);

// A PostgreSQL array literal of text values: {"a","b\"c"}.
std::string TextArrayLiteral(const std::vector<std::string>& values);

}  // namespace scope_migrate
