#include "core/app_latency.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace scope_migrate {

void LatencyWindow::Add(int64_t at_ms, double ms) {
  samples_.emplace_back(at_ms, ms);
  Forget(at_ms);
}

void LatencyWindow::Forget(int64_t now_ms) {
  while (!samples_.empty() && samples_.front().first <= now_ms - kLatencyWindowMs) {
    samples_.pop_front();
  }
}

double LatencyWindow::P99(int64_t now_ms) const {
  std::vector<double> times;
  for (const auto& [at, ms] : samples_) {
    if (at > now_ms - kLatencyWindowMs) times.push_back(ms);
  }
  if (times.empty()) return -1;
  const size_t rank = static_cast<size_t>(std::ceil(0.99 * static_cast<double>(times.size())));
  std::nth_element(times.begin(), times.begin() + (rank - 1), times.end());
  return times[rank - 1];
}

int NextAppLevel(int level, double p99_ms, int64_t limit_ms) {
  if (limit_ms <= 0) return 0;
  if (p99_ms < 0) return level;
  const double limit = static_cast<double>(limit_ms);
  if (p99_ms > 2 * limit) return kAppPauseLevel;
  if (p99_ms > limit) return std::min(level + 1, kAppPauseLevel);
  return std::max(level - 1, 0);
}

int64_t AppBatchTimeMs(int64_t batch_time_ms, int level) {
  if (batch_time_ms <= 0) return batch_time_ms;
  const int steps = std::clamp(level, 0, kAppShrinkSteps);
  return std::max<int64_t>(batch_time_ms >> steps, 1);
}

}  // namespace scope_migrate
