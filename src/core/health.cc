#include "core/health.h"

#include <cstdio>
#include <iterator>

#include "core/app_latency.h"

namespace scope_migrate {
namespace {

const char* const kCauseNames[] = {
    "", "replica_lag", "slot_lag", "lag_unreadable", "check_failed", "app_latency"};  // enum order

std::string Seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", s);
  return text;
}

// Over the limit when writing, or not yet under half of it when held; a limit of 0 is off.
bool Over(double value, double limit, bool held_before) {
  if (limit <= 0) return false;
  return held_before ? value >= limit / 2 : value > limit;
}

std::string Unreadable(const HealthSignals& s) {
  const std::string role = s.role.empty() ? "ROLE" : s.role;
  return "lag unreadable: " + std::to_string(s.unreadable) + " of " + std::to_string(s.replicas) +
         (s.replicas == 1 ? " replica" : " replicas") +
         " in pg_stat_replication hide their lag from this role; GRANT pg_monitor TO " + role +
         " (`scope-migrate audit-sql --grant-to " + role +
         "` prints it), or pass --max-replica-lag 0 to write without checking replicas";
}

std::string Millis(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fms", ms);
  return text;
}

HealthVerdict AppLatency(const HealthLimits& limits, const HealthSignals& s) {
  if (limits.app_latency_ms <= 0 || s.app_level < kAppPauseLevel) return {};
  const std::string over = "application p99 " + Millis(s.app_p99_ms) + " (" + limits.probe_file +
                           ") over --max-app-latency " +
                           Millis(static_cast<double>(limits.app_latency_ms));
  return {true, ThrottleCause::kAppLatency,
          s.probe_error.empty() ? over : over + "; the probe fails: " + s.probe_error};
}

std::string Held(bool held_before) {
  return held_before ? ", waiting for under half of " : " over ";
}

}  // namespace

const char* ToString(ThrottleCause cause) { return kCauseNames[static_cast<int>(cause)]; }

HealthVerdict DecideHealth(const HealthLimits& limits, const HealthSignals& s, bool held_before) {
  if (!limits.checks_anything()) return {};
  if (!s.check_error.empty()) {
    return {true, ThrottleCause::kCheckFailed,
            "health check failed: " + s.check_error +
                "; pass --max-replica-lag 0 and --max-slot-lag 0 to write without checking"};
  }
  if (limits.checks_replicas() && s.unreadable > 0) {
    return {true, ThrottleCause::kLagUnreadable, Unreadable(s)};
  }
  if (limits.checks_replicas()) {
    if (Over(s.replay_lag_s * 1000, static_cast<double>(limits.replica_lag_ms), held_before)) {
      return {true, ThrottleCause::kReplicaLag,
              "replica lag " + Seconds(s.replay_lag_s) + Held(held_before) + "--max-replica-lag " +
                  Seconds(limits.replica_lag_ms / 1000.0)};
    }
    if (Over(static_cast<double>(s.replica_lag_bytes),
             static_cast<double>(limits.replica_lag_bytes), held_before)) {
      return {true, ThrottleCause::kReplicaLag,
              "replica lag " + FormatBytes(s.replica_lag_bytes) + Held(held_before) +
                  "--max-replica-lag-bytes " + FormatBytes(limits.replica_lag_bytes)};
    }
  }
  if (Over(static_cast<double>(s.slot_lag_bytes), static_cast<double>(limits.slot_lag_bytes),
           held_before)) {
    return {true, ThrottleCause::kSlotLag,
            "logical slot " + s.slot + " lag " + FormatBytes(s.slot_lag_bytes) + Held(held_before) +
                "--max-slot-lag " + FormatBytes(limits.slot_lag_bytes)};
  }
  return AppLatency(limits, s);
}

std::string FormatBytes(int64_t bytes) {
  static const char* const kUnits[] = {"B", "kB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0 || value == static_cast<int64_t>(value)) {
    std::snprintf(text, sizeof text, "%lld %s", static_cast<long long>(value), kUnits[unit]);
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  }
  return text;
}

void ThrottleTally::Add(ThrottleCause cause, int64_t ms) {
  if (cause != ThrottleCause::kNone && ms > 0) ms_[cause] += ms;
}

int64_t ThrottleTally::total_ms() const {
  int64_t total = 0;
  for (const auto& [cause, ms] : ms_) total += ms;
  return total;
}

int64_t ThrottleTally::ms(ThrottleCause cause) const {
  const auto it = ms_.find(cause);
  return it == ms_.end() ? 0 : it->second;
}

std::string ThrottleTally::Reasons() const {
  std::string out;
  for (const auto& [cause, ms] : ms_) {
    out +=
        (out.empty() ? "" : ",") + std::string(ToString(cause)) + "=" + std::to_string(ms) + "ms";
  }
  return out;
}

}  // namespace scope_migrate
