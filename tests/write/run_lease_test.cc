// The lease holder judgement (SPEC 10.1), in memory: a holder whose process is provably
// gone is taken over at once, one whose heartbeat is older than --lock-lease has expired,
// and any other holder is live. The lease itself is tested on PostgreSQL (apply_db_test).
#include "write/run_lease.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>

namespace scope_migrate {
namespace {

struct HolderCase {
  const char* name;
  double heartbeat_age_s;
  int64_t lease_ms;
  bool same_process_space;
  bool alive;
  HolderState expected;
};

std::ostream& operator<<(std::ostream& out, const HolderCase& c) { return out << c.name; }

class JudgeHolderTest : public ::testing::TestWithParam<HolderCase> {};

TEST_P(JudgeHolderTest, JudgesTheHolder) {
  const HolderCase& c = GetParam();
  EXPECT_EQ(JudgeHolder(c.heartbeat_age_s, c.lease_ms, c.same_process_space, c.alive), c.expected)
      << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Holders, JudgeHolderTest,
    ::testing::Values(
        // Another machine: only the heartbeat counts ("alive" is never asked).
        HolderCase{"FreshElsewhere", 0.5, 30000, false, false, HolderState::kLive},
        HolderCase{"ExactlyTheLeaseIsStillLive", 30.0, 30000, false, false, HolderState::kLive},
        HolderCase{"PastTheLeaseExpired", 30.001, 30000, false, false, HolderState::kExpired},
        HolderCase{"LongPastTheLease", 3600.0, 30000, false, true, HolderState::kExpired},
        // The same process space: a pid that no longer runs frees the lease at once.
        HolderCase{"FreshAndRunningHere", 1.0, 30000, true, true, HolderState::kLive},
        HolderCase{"FreshButGoneHere", 1.0, 30000, true, false, HolderState::kGone},
        HolderCase{"GoneWinsOverExpired", 3600.0, 30000, true, false, HolderState::kGone},
        HolderCase{"ExpiredThoughRunningHere", 3600.0, 30000, true, true, HolderState::kExpired},
        // A lease of 0: any heartbeat age above zero has expired.
        HolderCase{"ZeroLeaseZeroAge", 0.0, 0, false, false, HolderState::kLive},
        HolderCase{"ZeroLeaseAnyAge", 0.001, 0, false, false, HolderState::kExpired}),
    [](const ::testing::TestParamInfo<HolderCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace scope_migrate
