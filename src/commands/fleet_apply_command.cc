// `scope-migrate apply DIR [--targets FILE] [--target NAME]... [--parallel-targets N]
// [--on-error stop|continue] [apply's options]`: applies a fleet plan (SPEC.md 11.7).
// First, before anything is written, every target's plan file DIR/NAME.jsonl has its
// checksum read and its sha256 compared with the index's (each target's apply then
// verifies its plan in full, plan_reader.h, before it writes); blocked keys in any plan refuse
// the fleet (exit 3) unless --allow-blocked. Then each target is applied, in the index's
// order, as `scope-migrate apply --db CONNINFO DIR/NAME.jsonl --expect-sha256 SHA` with the
// same options (so each has its own lease, audit, approvals check, throttle and --jobs),
// as a process of its own (fleet_runner.h). A target whose plan already has a whole
// apply run that succeeded is "done before" and not run again, so running the fleet again
// resumes only what is left. The closing table gives each target's outcome, run id, keys
// changed and exit code; the exit code is the worst of them.
#include <iostream>

#include "base/errors.h"
#include "base/exit_codes.h"
#include "base/string_lists.h"
#include "commands/commands.h"
#include "commands/fleet_runner.h"
#include "commands/fleet_targets.h"
#include "plan/plan_reader.h"

namespace scope_migrate {
namespace {

// Every plan file of the fleet is the one the index names (its checksum read in one pass,
// PlanFile::Digest; each target's apply verifies its plan in full before it writes); no plan
// holds blocked keys unless --allow-blocked. Nothing is connected to or written before this
// holds.
void VerifyPlans(const std::string& dir, const std::vector<FleetEntry>& index,
                 const std::vector<Target>& targets, const Options& options) {
  std::string blocked;
  for (const Target& target : targets) {
    const FleetEntry& entry = EntryNamed(index, target.name);
    const Summary plan = PlanFile::Digest(PlanPathIn(dir, target.name));
    if (plan.plan_sha256 != entry.sha256) {
      throw ToolError(kExitInvalidInput,
                      PlanPathIn(dir, target.name) + " has sha256 " + plan.plan_sha256 + ", " +
                          IndexPath(dir) + " names " + entry.sha256 +
                          ": not the plan that was reviewed; nothing was written");
    }
    if (plan.blocked > 0) {
      blocked +=
          (blocked.empty() ? "" : ", ") + target.name + " (" + std::to_string(plan.blocked) + ")";
    }
  }
  if (!blocked.empty() && !options.allow_blocked) {
    throw ToolError(kExitBlocked, "blocked keys in the plans of " + blocked +
                                      "; nothing was written. Fix the mapping or the data, or "
                                      "pass --allow-blocked to apply the others");
  }
}

TargetOutcome Failed(const std::string& name, const ToolError& e) {
  return {name, "failed: " + FirstLine(e.what()), e.exit_code(), true, std::nullopt, std::nullopt};
}

FleetJob ApplyJob(const std::string& dir, const Target& target, const std::string& sha256,
                  const Options& options) {
  const Options one = TargetOptions(options, target);
  auto newest_before = std::make_shared<int64_t>(0);
  FleetJob job;
  job.name = target.name;
  job.before = [=]() -> std::optional<TargetOutcome> {
    try {
      const std::vector<RunRow> runs = TargetRuns(one, sha256);
      for (const RunRow& run : runs) {
        if (run.status == RunStatus::kSucceeded && run.filter.empty()) {
          return TargetOutcome{target.name, "done before", kExitOk,
                               true,        run.run_id,    run.keys_changed};
        }
      }
      *newest_before = runs.empty() ? 0 : runs.front().run_id;
    } catch (const ToolError& e) {
      return Failed(target.name, e);
    }
    return std::nullopt;
  };
  job.args = TargetArgs("apply", options, target,
                        {PlanPathIn(dir, target.name), "--expect-sha256", sha256});
  job.after = [=](TargetOutcome& outcome) {
    try {
      const std::vector<RunRow> runs = TargetRuns(one, sha256);
      if (runs.empty() || runs.front().run_id <= *newest_before) return;
      outcome.run_id = runs.front().run_id;
      outcome.keys_changed = runs.front().keys_changed;
      // The run's own status ("interrupted", "stale", ...) in place of the generic "failed".
      const std::string status = ToString(runs.front().status);
      const std::string failed = "failed";
      if (outcome.exit_code == kExitOk) {
        outcome.outcome = status;
      } else if (outcome.outcome.rfind(failed, 0) == 0) {
        outcome.outcome.replace(0, failed.size(), status);
      }
    } catch (const ToolError&) {
      // The outcome stands as the process gave it; the run's row is in `history`.
    }
  };
  return job;
}

}  // namespace

int RunFleetApply(const Options& options) {
  const std::string dir = *options.plan_file;
  const std::vector<FleetEntry> index = ReadFleetIndex(dir);
  const std::vector<Target> targets = TargetsOfIndex(index, options, dir);
  VerifyPlans(dir, index, targets, options);
  std::vector<FleetJob> jobs;
  std::string names;
  for (const Target& target : targets) {
    jobs.push_back(ApplyJob(dir, target, EntryNamed(index, target.name).sha256, options));
    names += (names.empty() ? "" : ", ") + target.name;
  }
  std::cout << "fleet apply of " << dir << ": " << targets.size() << " targets (" << names << "), "
            << options.parallel_targets << " at a time, on error "
            << (options.stop_on_error ? "stop" : "continue") << "; every plan matches the index\n";
  std::cout.flush();
  return RunFleet(jobs, options.parallel_targets, options.stop_on_error);
}

}  // namespace scope_migrate
