// The planner: reads keys from a KeySource, decides each one with Decide(), and streams
// key and summary to the report writers. Plan, `apply --mapping` and the tests all go
// through RunPlan, so a plan file and a direct apply are the same computation. It holds
// one key at a time: memory does not grow with the number of keys.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "base/progress.h"
#include "core/key_source.h"
#include "core/mapping.h"
#include "core/overrides.h"
#include "core/summary.h"
#include "plan/plan_writer.h"

namespace scope_migrate {

struct PlanParams {
  Instant cutoff = 0;
  bool prune = false;
  KeyFilter filter;
  // --overrides (SPEC 12.2): checked by a first pass (override_pass.h) before anything is
  // written, then applied to their keys. In a fleet (`overrides_found` set) a key missing
  // from this source is no error: the ids found are added there for the caller's check.
  const Overrides* overrides = nullptr;
  std::set<std::string>* overrides_found = nullptr;
};

PlanHeader MakePlanHeader(const Mapping& mapping, const PlanParams& params,
                          const KeySource& source);

// Writes the plan to `plan` (when given; else only its checksum is computed) and to the
// `reports`, whose summaries then carry the plan's sha256. An override refused (in the
// first pass, or by a key changed since) throws ToolError(65) at its place.
Summary RunPlan(KeySource& source, const Mapping& mapping, const PlanParams& params,
                const std::vector<ReportWriter*>& reports, Progress* progress,
                PlanWriter* plan = nullptr);

}  // namespace scope_migrate
