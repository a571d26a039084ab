// The application-latency governor (SPEC 12.6, --max-app-latency D with --probe-sql FILE):
// from the times of a statement the application runs, taken every kProbeEveryMs on the
// tool's own connection (write/latency_probe.h), how hard the run may write. Pure: the
// times come with the clock reading they were taken at, so the tests feed them directly.
//
// LatencyWindow keeps the samples of the last kLatencyWindowMs and gives their 99th
// percentile (nearest rank). NextAppLevel moves the run one level per health check: up
// while the p99 is over D, down while it is not. Levels 1 to kAppShrinkSteps halve the
// target time of a batch once each (batches shrink); kAppPauseLevel holds the run like
// the health throttle (cause app_latency). A p99 over twice D goes to the pause at once:
// an application that slow is not helped by smaller batches alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace scope_migrate {

constexpr int64_t kProbeEveryMs = 200;
constexpr int64_t kLatencyWindowMs = 10000;
constexpr int kAppShrinkSteps = 3;
constexpr int kAppPauseLevel = kAppShrinkSteps + 1;

class LatencyWindow {
 public:
  // A sample of `ms` taken at `at_ms` (any monotonic clock, in ms).
  void Add(int64_t at_ms, double ms);
  // The p99 of the samples taken after now_ms - kLatencyWindowMs; -1 without any.
  double P99(int64_t now_ms) const;
  size_t size() const { return samples_.size(); }

 private:
  void Forget(int64_t now_ms);
  std::deque<std::pair<int64_t, double>> samples_;  // (taken at, ms), oldest first
};

// The level after one check that saw `p99_ms` (-1: no sample yet, no change) against
// `limit_ms` (0: the governor is off, level 0).
int NextAppLevel(int level, double p99_ms, int64_t limit_ms);

// The target time of a batch at `level`: `batch_time_ms` halved once per shrink step
// (never under 1 ms; 0, sizing off, stays 0).
int64_t AppBatchTimeMs(int64_t batch_time_ms, int level);

}  // namespace scope_migrate
