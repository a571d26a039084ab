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
#include "commands/commands.h"
#include "commands/fleet_runner.h"
#include "commands/fleet_targets.h"

namespace scope_migrate {

int RunFleetRollback(const Options& options) {
  const std::vector<Target> targets =
      SelectTargets(LoadTargets(*options.targets), options.target_names, *options.targets);
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
    const bool yes = options.yes;
    jobs.push_back({target.name, nullptr, TargetArgs("rollback", options, target, extra),
                    [yes](TargetOutcome& outcome) {
                      if (outcome.exit_code == 0) {
                        outcome.outcome = yes ? "rolled back" : "dry run: nothing written";
                      }
                    }});
  }
  return RunFleet(jobs, options.parallel_targets, options.stop_on_error);
}

}  // namespace scope_migrate
