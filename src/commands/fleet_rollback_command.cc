// `scope-migrate rollback --targets FILE (--plan DIR|SHA256|PREFIX | --target NAME --run ID)
// [--yes] [--parallel-targets N] [--on-error stop|continue] [rollback's options]`: a
// rollback on every target of a fleet (SPEC.md 11.7), each as `scope-migrate rollback --db
// CONNINFO ...` would do it on its own, as a process of its own (fleet_runner.h). --plan
// DIR (a fleet plan directory) reverts on each target the apply runs of that target's plan
// in DIR/index.json; a sha256 or a prefix is looked up on every target; --run names one
// run of one database, so it needs exactly one --target. Without --yes each target only
// shows what it would revert.
#include <iostream>

#include "base/errors.h"
#include "base/string_lists.h"
#include "commands/commands.h"
#include "commands/fleet_runner.h"
#include "commands/fleet_targets.h"

namespace scope_migrate {
namespace {

// One target's rollback; its row tells what its process did: the rollback runs it made
// (the newest run's id, the keys of them all), or that there was nothing to roll back.
FleetJob RollbackJob(const Options& options, const Target& target,
                     const std::vector<std::string>& extra) {
  const Options one = TargetOptions(options, target);
  auto newest_before = std::make_shared<int64_t>(0);
  FleetJob job;
  job.name = target.name;
  job.before = [=]() -> std::optional<TargetOutcome> {
    try {
      const std::vector<RunRow> runs = TargetRuns(one);
      *newest_before = runs.empty() ? 0 : runs.front().run_id;
    } catch (const ToolError& e) {
      return FailedOutcome(target.name, e);
    }
    return std::nullopt;
  };
  job.args = TargetArgs("rollback", options, target, extra);
  const bool yes = options.yes;
  job.after = [=](TargetOutcome& outcome) {
    std::vector<RunRow> made;
    try {
      for (const RunRow& run : TargetRuns(one)) {
        if (run.run_id > *newest_before && run.kind == RunKind::kRollback) made.push_back(run);
      }
    } catch (const ToolError&) {
      // The outcome stands as the process gave it; the runs are in `history`.
    }
    if (!made.empty()) {
      outcome.run_id = made.front().run_id;
      outcome.keys_changed = 0;
      for (const RunRow& run : made) *outcome.keys_changed += run.keys_changed;
    }
    if (outcome.exit_code != 0) return;
    if (!yes) {
      outcome.outcome = "dry run: nothing written";
    } else {
      outcome.outcome = made.empty() ? "nothing to roll back" : ToString(made.front().status);
      if (outcome.outcome == "succeeded") outcome.outcome = "rolled back";
    }
  };
  return job;
}

}  // namespace

int RunFleetRollback(const Options& options) {
  const std::vector<Target> targets =
      SelectTargets(LoadTargets(*options.targets), options.target_names, *options.targets);
  CheckFleetMetricsFile(options);
  if (options.run_id > 0 && targets.size() != 1) {
    throw UsageError(
        "rollback --targets --run needs exactly one --target NAME (a run id "
        "names a run of one database)");
  }
  const bool fleet_dir = options.rollback_plan && IsFleetDirectory(*options.rollback_plan);
  const std::vector<FleetEntry> index =
      fleet_dir ? ReadFleetIndex(*options.rollback_plan) : std::vector<FleetEntry>{};
  std::vector<FleetJob> jobs;
  for (const Target& target : targets) {
    std::vector<std::string> extra;
    if (options.run_id > 0) {
      extra = {"--run", std::to_string(options.run_id)};
    } else if (!fleet_dir) {
      extra = {"--plan", *options.rollback_plan};
    }
    for (const FleetEntry& e : index) {
      if (e.name == target.name) extra = {"--plan", e.sha256};
    }
    if (extra.empty()) {
      throw UsageError("target " + target.name + " is not in " + IndexPath(*options.rollback_plan) +
                       "; pick the targets of that fleet plan with --target NAME");
    }
    jobs.push_back(RollbackJob(options, target, extra));
  }
  return RunFleet(jobs, options.parallel_targets, options.stop_on_error,
                  {"rollback", options.command_line});
}

}  // namespace scope_migrate
