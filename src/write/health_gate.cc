#include "write/health_gate.h"

#include <algorithm>
#include <cstdio>

#include "base/event_log.h"
#include "base/string_lists.h"
#include "pg/db.h"
#include "pg/health_query.h"
#include "write/interrupt.h"
#include "write/run_rows.h"

namespace scope_migrate {
namespace {

int64_t MsBetween(HealthGate::Clock::time_point from, HealthGate::Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

std::string Seconds(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", ms / 1000.0);
  return text;
}

}  // namespace

HealthGate::HealthGate(const HealthLimits& limits, bool enabled, const AuditLog& audit,
                       int64_t run_id, const Timeouts& timeouts, int64_t lease_ms,
                       LatencyProbe::Connect connect)
    : limits_(limits),
      enabled_(enabled && limits.checks_anything()),
      audit_(audit),
      run_id_(run_id),
      timeouts_(timeouts),
      lease_ms_(lease_ms) {
  if (enabled_ && limits.app_latency_ms > 0 && connect) {
    probe_ =
        std::make_unique<LatencyProbe>(std::move(connect), limits.probe_sql, limits.app_latency_ms);
  }
}

bool HealthGate::Wait(pqxx::connection& conn, const Hooks& hooks) {
  if (!enabled_ || CheckedLately()) return !hooks.stopping();
  const HealthVerdict verdict = Check(conn, hooks);
  if (verdict.held) HoldUntilHealthy(conn, hooks, verdict);
  return !hooks.stopping();
}

void HealthGate::HoldUntilHealthy(pqxx::connection& conn, const Hooks& hooks,
                                  HealthVerdict verdict) {
  const auto renew_every = std::chrono::milliseconds(std::max<int64_t>(lease_ms_ / 4, 1));
  Clock::time_point recorded = Clock::now();
  try {
    while (verdict.held && !hooks.stopping()) {
      hooks.note("throttled: " + verdict.reason);
      hooks.tick();
      hooks.sleep(kHealthPollMs);
      if (Clock::now() - recorded >= renew_every) {
        Record(conn);
        recorded = Clock::now();
      }
      verdict = Check(conn, hooks);
    }
  } catch (const std::exception&) {
    try {
      Record(conn);  // what the run's row says of an interrupted wait
    } catch (const std::exception&) {
    }
    throw;
  }
  hooks.note("");
  Record(conn);
}

bool HealthGate::CheckedLately() const {
  std::lock_guard<std::mutex> hold(mutex_);
  return checked_ && !held_ && MsBetween(last_check_, Clock::now()) < kHealthEveryMs;
}

HealthSignals HealthGate::Read(pqxx::connection& conn) {
  HealthSignals signals = ReadServer(conn);
  if (probe_) {
    signals.app_p99_ms = probe_->P99Ms();
    signals.probe_error = probe_->last_error();
  }
  return signals;
}

HealthSignals HealthGate::ReadServer(pqxx::connection& conn) {
  if (!limits_.checks_server()) return {};
  try {
    return ReadHealthSignals(conn, timeouts_, limits_);
  } catch (const std::exception& e) {
    const DbError db = ClassifyDbError(e);
    if (db.kind == DbErrorKind::kConnectionLost || db.kind == DbErrorKind::kInDoubt ||
        InterruptGuard::Requested()) {
      throw;
    }
    HealthSignals failed;
    failed.check_error =
        FirstLine(db.message) + (db.sqlstate.empty() ? "" : " (SQLSTATE " + db.sqlstate + ")");
    return failed;
  }
}

HealthVerdict HealthGate::Check(pqxx::connection& conn, const Hooks& hooks) {
  HealthSignals signals = Read(conn);
  Change change;
  HealthVerdict verdict;
  int level_before;
  {
    std::lock_guard<std::mutex> hold(mutex_);
    const Clock::time_point now = Clock::now();
    level_before = app_level_;
    app_level_ = NextAppLevel(app_level_, signals.app_p99_ms, limits_.app_latency_ms);
    signals.app_level = app_level_;
    if (held_) tally_.Add(cause_, MsBetween(last_check_, now));
    verdict = DecideHealth(limits_, signals, held_);
    if (verdict.held && (!held_ || verdict.cause != cause_)) {
      change = {"throttled", "throttled: " + verdict.reason, verdict.cause, 0};
      if (!held_) held_since_ = now;
      last_said_ = now;
    } else if (verdict.held && MsBetween(last_said_, now) >= kHealthRepeatMs) {
      change = {
          "throttled",
          "still throttled after " + Seconds(MsBetween(held_since_, now)) + ": " + verdict.reason,
          verdict.cause, 0};
      last_said_ = now;
    } else if (!verdict.held && held_) {
      const int64_t ms = MsBetween(held_since_, now);
      change = {"resumed", "resumed after " + Seconds(ms) + " throttled (" + ToString(cause_) + ")",
                cause_, ms};
    }
    held_ = verdict.held;
    cause_ = verdict.cause;
    last_check_ = now;
    checked_ = true;
    if (signals.check_error.empty()) last_seen_ = signals;
  }
  SayLevel(level_before, signals.app_level, signals, hooks);
  Announce(change, verdict, hooks);
  return verdict;
}

// A step of the governor under the pause: batches shrink, or grow back.
void HealthGate::SayLevel(int from, int to, const HealthSignals& signals,
                          const Hooks& hooks) const {
  if (from == to || to == kAppPauseLevel || (from == kAppPauseLevel && to == kAppShrinkSteps)) {
    return;  // the pause and its end are the throttle's own lines
  }
  if (JsonLog()) {
    EmitEvent("app_latency", {{"level", to}, {"p99_ms", signals.app_p99_ms}});
    return;
  }
  char p99[32];
  std::snprintf(p99, sizeof p99, "%.1fms", signals.app_p99_ms);
  const std::string share = "1/" + std::to_string(1 << to) + " of their time";
  const std::string step = to > from ? "shrink to " + share
                           : to == 0 ? "back to their full time"
                                     : "grow to " + share;
  hooks.say("application p99 " + std::string(p99) + (to > from ? " over" : " under") +
                " --max-app-latency " + std::to_string(limits_.app_latency_ms) + "ms: batches " +
                step,
            false);
}

int64_t HealthGate::BatchTimeMs(int64_t batch_time_ms) const {
  std::lock_guard<std::mutex> hold(mutex_);
  return AppBatchTimeMs(batch_time_ms, app_level_);
}

void HealthGate::Announce(const Change& change, const HealthVerdict& verdict, const Hooks& hooks) {
  if (change.event.empty()) return;
  if (!JsonLog()) {
    return hooks.say(change.text, change.cause == ThrottleCause::kLagUnreadable ||
                                      change.cause == ThrottleCause::kCheckFailed);
  }
  if (change.event == "resumed") {
    EmitEvent("resumed", {{"from", "throttled"},
                          {"cause", ToString(change.cause)},
                          {"throttled_ms", change.held_ms}});
  } else {
    EmitEvent("throttled", {{"cause", ToString(change.cause)}, {"reason", verdict.reason}});
  }
}

void HealthGate::Record(pqxx::connection& conn) {
  int64_t ms;
  std::string reasons;
  {
    std::lock_guard<std::mutex> hold(mutex_);
    const Clock::time_point now = Clock::now();
    if (held_) tally_.Add(cause_, MsBetween(last_check_, now));  // held up to now
    last_check_ = now;
    ms = tally_.total_ms();
    reasons = tally_.Reasons();
  }
  RecordThrottle(audit_, conn, run_id_, ms, reasons);
}

int64_t HealthGate::throttled_ms() const {
  std::lock_guard<std::mutex> hold(mutex_);
  return tally_.total_ms();
}

std::string HealthGate::reasons() const {
  std::lock_guard<std::mutex> hold(mutex_);
  return tally_.Reasons();
}

int64_t HealthGate::throttled_ms(ThrottleCause cause) const {
  std::lock_guard<std::mutex> hold(mutex_);
  return tally_.ms(cause);
}

HealthSignals HealthGate::last_seen() const {
  std::lock_guard<std::mutex> hold(mutex_);
  return last_seen_;
}

}  // namespace scope_migrate
