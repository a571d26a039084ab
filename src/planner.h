// The planner: reads keys from a KeySource, decides each one with Decide(), and streams
// key and summary to the report writers. Plan, `apply --mapping` and the tests all go
// through RunPlan, so a plan file and a direct apply are the same computation. It holds
// one key at a time: memory does not grow with the number of keys.
#pragma once

#include <vector>

#include "key_source.h"
#include "mapping.h"
#include "progress.h"
#include "report.h"
#include "summary.h"

namespace scope_migrate {

struct PlanParams {
  Instant cutoff = 0;
  bool prune = false;
  KeyFilter filter;
};

PlanHeader MakePlanHeader(const Mapping& mapping, const PlanParams& params,
                          const KeySource& source);

Summary RunPlan(KeySource& source, const Mapping& mapping, const PlanParams& params,
                const std::vector<ReportWriter*>& writers, Progress* progress);

}  // namespace scope_migrate
