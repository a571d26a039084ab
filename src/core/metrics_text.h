// --metrics-file: a run's state in the Prometheus text format (version 0.0.4), for the
// node_exporter textfile collector. Pure: FormatMetrics turns a RunMetrics into the
// file's text, with HELP and TYPE lines and every name prefixed scope_migrate_; every
// metric is written every time (zeros included), so a dashboard never sees one vanish.
// Every metric is a gauge: the file describes one run, and a new run starts from zero.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/health.h"

namespace scope_migrate {

struct RunMetrics {
  std::string kind;  // "apply" or "rollback"
  int64_t run_id = 0;
  std::string plan_sha256;
  std::string status = "running";  // running, succeeded, failed, stale, interrupted
  uint64_t keys_done = 0, keys_planned = 0;
  uint64_t scopes_done = 0, scopes_planned = 0;  // added and removed
  uint64_t batches = 0;
  uint64_t batch_size = 0;  // the size the last batch was taken at
  std::map<ThrottleCause, int64_t> throttled_ms;
  double replica_lag_seconds = 0;  // the last health check's
  int64_t replica_lag_bytes = 0;
  int64_t slot_lag_bytes = 0;
};

std::string FormatMetrics(const RunMetrics& metrics);

}  // namespace scope_migrate
