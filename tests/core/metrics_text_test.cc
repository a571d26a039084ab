// The --metrics-file text: every family with HELP and TYPE, every metric every time,
// label values escaped (golden file tests/golden/run-metrics.prom).
#include "core/metrics_text.h"

#include <gtest/gtest.h>

#include "support/test_util.h"

namespace scope_migrate {
namespace {

TEST(MetricsTextTest, ARunningApplyHeldByReplicaLag) {
  RunMetrics m;
  m.kind = "apply";
  m.run_id = 7;
  m.plan_sha256 = "a520c18d";
  m.status = "running";
  m.keys_done = 120;
  m.keys_planned = 31000;
  m.scopes_done = 1200;
  m.scopes_planned = 310000;
  m.batches = 3;
  m.batch_size = 50;
  m.throttled_ms[ThrottleCause::kReplicaLag] = 4100;
  m.throttled_ms[ThrottleCause::kLagUnreadable] = 250;
  m.replica_lag_seconds = 1.5;
  m.replica_lag_bytes = 300000;
  m.slot_lag_bytes = 0;
  testing::ExpectGolden("run-metrics.prom", FormatMetrics(m));
}

TEST(MetricsTextTest, LabelValuesAreEscaped) {
  RunMetrics m;
  m.kind = "apply";
  m.plan_sha256 = "a\"b\\c\nd";
  const std::string text = FormatMetrics(m);
  EXPECT_NE(text.find("plan_sha256=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("scope_migrate_run_status{status=\"running\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("scope_migrate_run_status{status=\"failed\"} 0\n"), std::string::npos);
}

}  // namespace
}  // namespace scope_migrate
