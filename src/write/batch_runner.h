// The one write loop of every command that writes (apply and rollback; each storage shape
// only brings its KeyStore). A command supplies a WriteStep: where the batches come from
// and which keys of a batch may be written. The runner owns everything else, for every
// batch: a transaction with the timeouts set, the keys read under their row locks, the
// step's selection, the write, the audit rows of what the write changed and the run's
// counters, the commit; then interrupts, --pause-file, the health throttle (health_gate.h),
// --pause/--max-rate and progress. It maps every
// way a run can stop (stale, lock or statement timeout, interrupt, lost connection, commit
// in doubt, anything else) to one run status, message and exit code, and records it with
// FinishRun.
//
// Batches are sized by time (batch_sizing.h): each worker starts small and scales its
// next batch by --batch-time over the last one's duration, up to --batch-size; a key is
// never split across batches. A batch that times out on a lock (55P03) or is chosen as a
// deadlock victim (40P01) rolls back whole and is tried again after a pause, then in
// smaller pieces, before the run stops (not with --single-transaction or a dry run).
//
// A batch is always whole: it commits with its audit rows and counts, or not at all. With
// `jobs` > 1 each worker has a connection of its own and takes whole batches in turn; the
// first worker to stop makes the others stop after the batch they are on. A worker's
// connection that cannot be opened (max_connections, the role's connection limit) ends
// the run as failed before any batch, recorded with the reason and the resume hint.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/progress.h"
#include "base/timeouts.h"
#include "core/batch_sizing.h"
#include "core/health.h"
#include "core/key_change.h"
#include "write/audit_schema.h"
#include "write/batch_step.h"
#include "write/key_store.h"
#include "write/run_rows.h"
#include "write/stop_reason.h"

namespace scope_migrate {

struct RunnerOptions {
  size_t batch_size = 1000;                     // the most keys in a batch
  int64_t batch_time_ms = kDefaultBatchTimeMs;  // batches sized to take this long (0: max)
  bool single_transaction = false;
  bool dry_run = false;  // read-only transactions, no row locks, nothing written or recorded
  int jobs = 1;
  int64_t pause_ms = 0;
  double max_rate = 0;     // keys per second, 0 = unlimited
  std::string pause_file;  // --pause-file: no batch starts while it exists ("" = none)
  HealthLimits health;     // the health throttle (health_gate.h); not in a dry run
  bool quiet = false;
  std::string metrics_file;   // --metrics-file ("" = none; never in a dry run)
  std::string plan_sha256;    // for the metrics file
  uint64_t scopes_total = 0;  // scopes to add and remove, for the metrics file      // --quiet:
                              // only the lines that ask for action (a grant) on stderr
  Timeouts timeouts;
  int64_t lease_ms = 120000;  // --lock-lease: waits renew the lease well within it
  ProgressMode progress = ProgressMode::kAuto;
  int64_t progress_every_ms = 5000;
  std::string label = "apply";  // for the progress line
  std::string resume_hint;      // the command that resumes, shown after a failure
  std::string stale_advice;     // what to do after a stale stop
  // Runs first in each batch's transaction (not in a dry run); what it throws stops the
  // run before the batch writes (apply: the approvals counted again, approval_trust.h).
  std::function<void(pqxx::transaction_base&)> before_batch;
};

struct RunEnd {
  RunStatus status = RunStatus::kSucceeded;  // succeeded, failed, stale or interrupted
  std::optional<ToolError> error;            // why it stopped early, with its exit code
  RunTotals totals;                          // of the committed batches
};

using ConnectionFactory = std::function<std::unique_ptr<pqxx::connection>()>;

class BatchRunner {
 public:
  // `conn` is the first worker's connection; `connect` opens the others (and a fresh one
  // to record the end after a lost connection). `run_id` is 0 for a dry run.
  BatchRunner(pqxx::connection& conn, ConnectionFactory connect, const AuditLog& audit,
              KeyStore& store, int64_t run_id, RunnerOptions options);
  ~BatchRunner();

  // Runs every batch of `step`, records the end of the run and returns it. `total_keys`
  // is for the progress line.
  RunEnd Run(WriteStep& step, uint64_t total_keys);

 private:
  class Worker;
  struct Shared;

  RunEnd Finish(WriteStep& step, const RunTotals& totals, const std::optional<StopReason>& stop);
  void Record(WriteStep& step, const RunEnd& end, pqxx::connection& conn);

  pqxx::connection& conn_;
  ConnectionFactory connect_;
  const AuditLog& audit_;
  KeyStore& store_;
  int64_t run_id_;
  RunnerOptions options_;
};

}  // namespace scope_migrate
