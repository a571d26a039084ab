// The health throttle of a run (SPEC 11.2), shared by its workers. Before each batch a
// worker asks Wait() on its own connection: the server's replicas and logical slots are
// read (pg/health_query.h) and judged (core/health.h), at most every kHealthEveryMs while
// the run is healthy (a check is a transaction of its own, a fifth of a small batch's
// round trips: SPEC 12.6), and before every batch once it is held; while the verdict holds the run,
// the worker waits, re-checking every kHealthPollMs, renewing the lease and recording the
// time held in the run's row (throttled_ms, throttle_reasons) every quarter lease, so with
// --jobs N writing stops within one batch per job. A failed check holds the run (fails
// closed) unless the lost connection or an interruption is the reason, which stop it.
//
// The hysteresis state (held or not, and why) and the tally of time held are the run's,
// not a worker's: one worker's verdict holds them all, and a line on stderr says when the
// run is throttled, why, when it resumes, and again every kHealthRepeatMs while held (with
// --log-format json, "throttled" and "resumed" events).
//
// With --max-app-latency the gate also owns the run's LatencyProbe (latency_probe.h) and
// the governor's level (core/app_latency.h), moved one step per check: the workers size
// their batches by BatchTimeMs(), and the pause level holds the run as above (cause
// app_latency). A step that shrinks batches or lets them grow again is said on stderr (an
// "app_latency" event in JSON).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>

#include "base/timeouts.h"
#include "core/health.h"
#include "write/audit_schema.h"
#include "write/latency_probe.h"

namespace scope_migrate {

constexpr int64_t kHealthPollMs = 500;      // how often a held run looks again
constexpr int64_t kHealthEveryMs = 1000;    // how often a healthy run looks again
constexpr int64_t kHealthRepeatMs = 60000;  // how often stderr repeats why it is held

class HealthGate {
 public:
  using Clock = std::chrono::steady_clock;

  // What a waiting worker does through its runner: each hook locks what it needs.
  struct Hooks {
    std::function<bool()> stopping;                // the run stops: wait no longer
    std::function<void(int64_t ms)> sleep;         // throws when interrupted
    std::function<void(const std::string&)> note;  // the progress line's note ("" clears)
    // A line of its own on stderr; `asks_action`: the person must act (a grant, a failed
    // check), so it is said even with --quiet.
    std::function<void(const std::string&, bool asks_action)> say;
    std::function<void()> tick;  // lets a log line show the wait
  };

  // `enabled`: false for a dry run or when `limits` checks nothing (Wait returns at once).
  // `connect` opens the probe's connection (with --max-app-latency only).
  HealthGate(const HealthLimits& limits, bool enabled, const AuditLog& audit, int64_t run_id,
             const Timeouts& timeouts, int64_t lease_ms, LatencyProbe::Connect connect = {});

  // Returns when the batch may start (true) or the run stops first (false).
  bool Wait(pqxx::connection& conn, const Hooks& hooks);

  int64_t throttled_ms() const;
  int64_t throttled_ms(ThrottleCause cause) const;
  std::string reasons() const;      // ThrottleTally::Reasons()
  HealthSignals last_seen() const;  // of the last check that ran
  // The target time of the next batch: `batch_time_ms` at the governor's level.
  int64_t BatchTimeMs(int64_t batch_time_ms) const;

 private:
  // A change worth a line: "throttled" (again every kHealthRepeatMs) or "resumed".
  struct Change {
    std::string event;  // "" for none
    std::string text;   // the line in text mode
    ThrottleCause cause = ThrottleCause::kNone;
    int64_t held_ms = 0;  // "resumed": how long it was held
  };

  bool CheckedLately() const;  // healthy at a check less than kHealthEveryMs ago
  HealthVerdict Check(pqxx::connection& conn, const Hooks& hooks);
  void Announce(const Change& change, const HealthVerdict& verdict, const Hooks& hooks);
  HealthSignals Read(pqxx::connection& conn);  // the server's signals and the probe's
  HealthSignals ReadServer(pqxx::connection& conn);
  void SayLevel(int from, int to, const HealthSignals& signals, const Hooks& hooks) const;
  void Record(pqxx::connection& conn);  // the time held so far; renews the lease
  void HoldUntilHealthy(pqxx::connection& conn, const Hooks& hooks, HealthVerdict verdict);

  const HealthLimits limits_;
  const bool enabled_;
  const AuditLog& audit_;
  const int64_t run_id_;
  const Timeouts timeouts_;
  const int64_t lease_ms_;

  mutable std::mutex mutex_;  // guards what follows
  bool held_ = false;
  bool checked_ = false;  // a check ran
  ThrottleCause cause_ = ThrottleCause::kNone;
  Clock::time_point last_check_, held_since_, last_said_;
  ThrottleTally tally_;
  HealthSignals last_seen_;
  int app_level_ = 0;

  std::unique_ptr<LatencyProbe> probe_;  // last: it times from its constructor on
};

}  // namespace scope_migrate
