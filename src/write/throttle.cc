#include "write/throttle.h"

#include <algorithm>

namespace scope_migrate {

Throttle::Throttle(int64_t pause_ms, double max_rate, Clock::time_point started)
    : pause_(pause_ms), max_rate_(max_rate), started_(started), last_event_(started) {}

Throttle::Clock::time_point Throttle::Reserve(Clock::time_point now, uint64_t keys) {
  std::lock_guard<std::mutex> hold(mutex_);
  Clock::time_point start = now;
  if (any_ && pause_.count() > 0) start = std::max(start, last_event_ + pause_);
  if (max_rate_ > 0) {
    // The keys booked before this batch may not have started sooner than the rate allows.
    const auto due = std::chrono::duration<double>(static_cast<double>(keys_booked_) / max_rate_);
    start = std::max(start, started_ + std::chrono::duration_cast<Clock::duration>(due));
  }
  any_ = true;
  last_event_ = std::max(last_event_, start);
  keys_booked_ += keys;
  return start;
}

void Throttle::Committed(Clock::time_point now) {
  std::lock_guard<std::mutex> hold(mutex_);
  last_event_ = std::max(last_event_, now);
}

}  // namespace scope_migrate
