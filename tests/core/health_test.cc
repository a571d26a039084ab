// The health throttle's decision: each signal against its limit, the hysteresis once held,
// failing closed, and the tally of time held by cause.
#include "core/health.h"

#include <gtest/gtest.h>

namespace scope_migrate {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

struct HealthCase {
  const char* name;
  HealthLimits limits;
  HealthSignals signals;
  bool held_before;
  ThrottleCause cause;  // kNone: the batch may start
  const char* reason;   // the verdict's reason, "" when none
};

HealthLimits Limits(int64_t lag_ms, int64_t lag_bytes, int64_t slot_bytes) {
  HealthLimits limits;
  limits.replica_lag_ms = lag_ms;
  limits.replica_lag_bytes = lag_bytes;
  limits.slot_lag_bytes = slot_bytes;
  return limits;
}

HealthSignals Signals(int64_t replicas, double lag_s, int64_t lag_bytes, int64_t slot_bytes = 0) {
  HealthSignals s;
  s.role = "migrator";
  s.replicas = replicas;
  s.replay_lag_s = lag_s;
  s.replica_lag_bytes = lag_bytes;
  s.slot_lag_bytes = slot_bytes;
  s.slot = "cdc";
  return s;
}

HealthSignals Unreadable() {
  HealthSignals s = Signals(2, 0, 0);
  s.unreadable = 1;
  return s;
}

HealthSignals Failed() {
  HealthSignals s;
  s.check_error = "permission denied for view pg_stat_replication (SQLSTATE 42501)";
  return s;
}

const HealthLimits kDefault = Limits(10000, kMiB, kMiB);

const HealthCase kCases[] = {
    {"NoReplicas", kDefault, Signals(0, 0, 0), false, ThrottleCause::kNone, ""},
    {"UnderEveryLimit", kDefault, Signals(1, 9.9, kMiB - 1, kMiB), false, ThrottleCause::kNone, ""},
    {"ReplayLagOverItsLimit", kDefault, Signals(1, 10.5, 0), false, ThrottleCause::kReplicaLag,
     "replica lag 10.5s over --max-replica-lag 10.0s"},
    {"ByteLagOverItsLimit", kDefault, Signals(1, 0, 3 * kMiB / 2), false,
     ThrottleCause::kReplicaLag, "replica lag 1.5 MiB over --max-replica-lag-bytes 1 MiB"},
    {"SlotLagOverItsLimit", kDefault, Signals(0, 0, 0, 2 * kMiB), false, ThrottleCause::kSlotLag,
     "logical slot cdc lag 2 MiB over --max-slot-lag 1 MiB"},
    {"HeldStaysHeldAboveHalf", kDefault, Signals(1, 0, kMiB / 2), true, ThrottleCause::kReplicaLag,
     "replica lag 512 kB, waiting for under half of --max-replica-lag-bytes 1 MiB"},
    {"HeldStaysHeldOnTimeAboveHalf", kDefault, Signals(1, 5, 0), true, ThrottleCause::kReplicaLag,
     "replica lag 5.0s, waiting for under half of --max-replica-lag 10.0s"},
    {"HeldResumesUnderHalfOfEvery", kDefault, Signals(1, 4.9, kMiB / 2 - 1, kMiB / 2 - 1), true,
     ThrottleCause::kNone, ""},
    {"HeldSlotAboveHalf", kDefault, Signals(0, 0, 0, kMiB / 2), true, ThrottleCause::kSlotLag,
     "logical slot cdc lag 512 kB, waiting for under half of --max-slot-lag 1 MiB"},
    {"UnreadableFailsClosed", kDefault, Unreadable(), false, ThrottleCause::kLagUnreadable,
     "lag unreadable: 1 of 2 replicas in pg_stat_replication hide their lag from this role; "
     "GRANT pg_monitor TO migrator (`scope-migrate audit-sql --grant-to migrator` prints it), "
     "or pass --max-replica-lag 0 to write without checking replicas"},
    {"FailedCheckFailsClosed", kDefault, Failed(), false, ThrottleCause::kCheckFailed,
     "health check failed: permission denied for view pg_stat_replication (SQLSTATE 42501); "
     "pass --max-replica-lag 0 and --max-slot-lag 0 to write without checking"},
    {"ReplicaCheckOffIgnoresUnreadableAndLag", Limits(0, kMiB, kMiB), Unreadable(), false,
     ThrottleCause::kNone, ""},
    {"ReplicaCheckOffStillChecksSlots", Limits(0, kMiB, kMiB), Signals(1, 60, 0, 2 * kMiB), false,
     ThrottleCause::kSlotLag, "logical slot cdc lag 2 MiB over --max-slot-lag 1 MiB"},
    {"ByteLimitOffChecksTimeOnly", Limits(10000, 0, kMiB), Signals(1, 1, 100 * kMiB), false,
     ThrottleCause::kNone, ""},
    {"EverythingOffIgnoresAFailedCheck", Limits(0, kMiB, 0), Failed(), false, ThrottleCause::kNone,
     ""},
};

class HealthTest : public ::testing::TestWithParam<HealthCase> {};

TEST_P(HealthTest, Decides) {
  const HealthCase& c = GetParam();
  const HealthVerdict verdict = DecideHealth(c.limits, c.signals, c.held_before);
  EXPECT_EQ(verdict.held, c.cause != ThrottleCause::kNone);
  EXPECT_EQ(verdict.cause, c.cause);
  EXPECT_EQ(verdict.reason, c.reason);
}

INSTANTIATE_TEST_SUITE_P(Cases, HealthTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<HealthCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(ThrottleTallyTest, AddsTimeByCauseInCauseOrder) {
  ThrottleTally tally;
  EXPECT_EQ(tally.Reasons(), "");
  tally.Add(ThrottleCause::kLagUnreadable, 300);
  tally.Add(ThrottleCause::kReplicaLag, 1000);
  tally.Add(ThrottleCause::kReplicaLag, 200);
  tally.Add(ThrottleCause::kNone, 999);
  EXPECT_EQ(tally.total_ms(), 1500);
  EXPECT_EQ(tally.ms(ThrottleCause::kReplicaLag), 1200);
  EXPECT_EQ(tally.ms(ThrottleCause::kSlotLag), 0);
  EXPECT_EQ(tally.Reasons(), "replica_lag=1200ms,lag_unreadable=300ms");
}

TEST(FormatBytesTest, ShowsPowersOf1024) {
  EXPECT_EQ(FormatBytes(300), "300 B");
  EXPECT_EQ(FormatBytes(65536), "64 kB");
  EXPECT_EQ(FormatBytes(int64_t{3} << 29), "1.5 GiB");
  EXPECT_EQ(FormatBytes(int64_t{1} << 30), "1 GiB");
}

}  // namespace
}  // namespace scope_migrate
