#include "write/run_metrics_file.h"

#include "base/atomic_file.h"
#include "base/event_log.h"

namespace scope_migrate {

RunMetricsFile::RunMetricsFile(std::string path, const std::string& kind, int64_t run_id,
                               const std::string& plan_sha256, uint64_t scopes_total)
    : path_(std::move(path)) {
  metrics_.kind = kind;
  metrics_.run_id = run_id;
  metrics_.plan_sha256 = plan_sha256;
  metrics_.scopes_planned = scopes_total;
}

void RunMetricsFile::Update(uint64_t keys_done, uint64_t scopes_done, uint64_t batches,
                            uint64_t batch_size, const HealthGate& health,
                            const std::string& status) {
  if (path_.empty()) return;
  metrics_.keys_done = keys_done;
  metrics_.scopes_done = scopes_done;
  metrics_.batches = batches;
  if (batch_size > 0) metrics_.batch_size = batch_size;
  metrics_.status = status;
  for (const ThrottleCause cause : {ThrottleCause::kReplicaLag, ThrottleCause::kSlotLag,
                                    ThrottleCause::kLagUnreadable, ThrottleCause::kCheckFailed}) {
    metrics_.throttled_ms[cause] = health.throttled_ms(cause);
  }
  const HealthSignals seen = health.last_seen();
  metrics_.replica_lag_seconds = seen.replay_lag_s;
  metrics_.replica_lag_bytes = seen.replica_lag_bytes;
  metrics_.slot_lag_bytes = seen.slot_lag_bytes;
  const std::string error = ReplaceFile(path_, FormatMetrics(metrics_), 0644);
  if (!error.empty() && !warned_) {
    warned_ = true;
    Note("--metrics-file: " + error + "; the run goes on without it");
  }
}

}  // namespace scope_migrate
