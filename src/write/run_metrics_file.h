// --metrics-file for a run: the run's state (core/metrics_text.h) written with
// ReplaceFile (base/atomic_file.h, mode 0644) when the run starts, after each committed
// batch and at its end. A metrics file is for watching, not part of the migration: when
// it cannot be written the run goes on, and says so once (a note on stderr).
#pragma once

#include <cstdint>
#include <string>

#include "core/metrics_text.h"
#include "write/health_gate.h"

namespace scope_migrate {

class RunMetricsFile {
 public:
  // `path` "" writes nothing; `kind` "apply" or "rollback".
  RunMetricsFile(std::string path, const std::string& kind, int64_t run_id,
                 const std::string& plan_sha256, uint64_t scopes_total);

  // The run's state now; `status` as the runs table spells it; `batch_size` 0 keeps the
  // last one.
  void Update(uint64_t keys_done, uint64_t scopes_done, uint64_t batches, uint64_t batch_size,
              const HealthGate& health, const std::string& status);
  void SetKeysPlanned(uint64_t keys) { metrics_.keys_planned = keys; }

 private:
  std::string path_;
  RunMetrics metrics_;
  bool warned_ = false;
};

}  // namespace scope_migrate
