// The health throttle's decision (SPEC 11.2): from what the server says about its replicas
// and logical slots (HealthSignals) and whether writing is held already, whether the next
// batch may start. Pure: the database code only gathers the signals (write/health_gate.h).
//
// A signal over its limit holds the run; once held, writing resumes only when every signal
// is under half its limit (hysteresis), so a lag hovering at the limit does not flap. The
// check fails closed: a failed check, or replicas listed whose lag this role cannot read,
// holds the run too, with a reason naming the grant and the opt-out. ThrottleTally adds up
// the time held, by cause, from the times it is given.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace scope_migrate {

constexpr int64_t kGiB = int64_t{1} << 30;

struct HealthLimits {
  int64_t replica_lag_ms = 10000;    // --max-replica-lag; 0: replicas are not checked at all
  int64_t replica_lag_bytes = kGiB;  // --max-replica-lag-bytes; 0: no byte limit
  int64_t slot_lag_bytes = kGiB;     // --max-slot-lag; 0: slots are not checked
  int64_t app_latency_ms = 0;        // --max-app-latency (core/app_latency.h); 0: off
  std::string probe_sql;             // --probe-sql's statement, timed for it
  std::string probe_file;            // --probe-sql's FILE, for messages
  bool checks_replicas() const { return replica_lag_ms > 0; }
  bool checks_server() const { return replica_lag_ms > 0 || slot_lag_bytes > 0; }
  bool checks_anything() const { return checks_server() || app_latency_ms > 0; }
};

struct HealthSignals {
  std::string check_error;        // why the check failed ("" = it ran)
  std::string role;               // the role that looked (current_user), for the grant
  int64_t replicas = 0;           // replicas (walsenders) listed in pg_stat_replication
  int64_t unreadable = 0;         // of them, those whose state and lag this role cannot see
  double replay_lag_s = 0;        // the largest replay_lag (NULL on a quiet link: 0)
  int64_t replica_lag_bytes = 0;  // the largest WAL distance to a replica's replay_lsn
  int64_t slot_lag_bytes = 0;     // the largest WAL distance to an active logical slot
  std::string slot;               // the name of that slot
  double app_p99_ms = -1;         // the probe's p99 over its window (-1: none, or off)
  int app_level = 0;              // the governor's level after this check (app_latency.h)
  std::string probe_error;        // why the probe's last run failed ("" = it ran)
};

enum class ThrottleCause {
  kNone,
  kReplicaLag,
  kSlotLag,
  kLagUnreadable,
  kCheckFailed,
  kAppLatency
};

// "replica_lag", "slot_lag", "lag_unreadable", "check_failed", "app_latency" ("" for kNone): the names in
// the run's row, the metrics and the JSON events.
const char* ToString(ThrottleCause cause);

struct HealthVerdict {
  bool held = false;
  ThrottleCause cause = ThrottleCause::kNone;
  std::string reason;  // for people: what is over which limit, or what to grant
};

// `held_before`: the run is held now (then the limits are halved). The application's
// latency holds the run when `signals.app_level` is kAppPauseLevel (its own hysteresis is
// the level's one step per check, app_latency.h).
HealthVerdict DecideHealth(const HealthLimits& limits, const HealthSignals& signals,
                           bool held_before);

// "1.5 GiB", "512 MiB", "12 kB", "300 B": a byte count for people.
std::string FormatBytes(int64_t bytes);

// The time a run was held, by cause.
class ThrottleTally {
 public:
  void Add(ThrottleCause cause, int64_t ms);
  int64_t total_ms() const;
  int64_t ms(ThrottleCause cause) const;
  // "replica_lag=1200ms,lag_unreadable=300ms" in cause order; "" when never held.
  std::string Reasons() const;

 private:
  std::map<ThrottleCause, int64_t> ms_;
};

}  // namespace scope_migrate
