// --pause and --max-rate for a run as a whole, whatever the number of workers: a batch
// starts no sooner than `pause` after the last batch started or committed, and never so
// soon that the keys started so far would exceed `max_rate` keys per second since the run
// began. Pure arithmetic on the times it is given, so the tests need no clock; the batch
// runner asks it before each batch and sleeps (interruptibly) until the time it names.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace scope_migrate {

class Throttle {
 public:
  using Clock = std::chrono::steady_clock;

  Throttle(int64_t pause_ms, double max_rate, Clock::time_point started);

  // Books a batch of `keys` keys that is ready at `now`; returns when it may start.
  Clock::time_point Reserve(Clock::time_point now, uint64_t keys);
  // A batch committed at `now`: the pause counts from here.
  void Committed(Clock::time_point now);

 private:
  std::mutex mutex_;
  const std::chrono::milliseconds pause_;
  const double max_rate_;
  const Clock::time_point started_;
  bool any_ = false;
  Clock::time_point last_event_;  // the last start or commit
  uint64_t keys_booked_ = 0;
};

}  // namespace scope_migrate
