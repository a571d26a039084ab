#include "core/batch_sizing.h"

#include <algorithm>
#include <cmath>

namespace scope_migrate {

size_t FirstBatchSize(size_t max_size) {
  return std::max<size_t>(1, std::min(max_size, kFirstBatchSize));
}

size_t NextBatchSize(size_t size, double elapsed_ms, int64_t target_ms, size_t max_size) {
  max_size = std::max<size_t>(max_size, 1);
  if (target_ms <= 0) return max_size;
  const double factor =
      elapsed_ms <= 0 ? 2.0 : std::clamp(static_cast<double>(target_ms) / elapsed_ms, 0.5, 2.0);
  const double next = std::round(static_cast<double>(std::max<size_t>(size, 1)) * factor);
  return std::clamp<size_t>(static_cast<size_t>(next), 1, max_size);
}

LockRetry AfterLockTimeout(int failures, size_t size) {
  LockRetry retry;
  if (failures >= kLockAttempts) {
    retry.give_up = true;
    return retry;
  }
  // 100 ms, 200 ms, 400 ms, ... at most 1.6 s between attempts.
  retry.wait_ms = int64_t{100} << std::min(std::max(failures - 1, 0), 4);
  retry.size =
      failures < kSameSizeAttempts ? std::max<size_t>(size, 1) : std::max<size_t>(size / 2, 1);
  return retry;
}

}  // namespace scope_migrate
