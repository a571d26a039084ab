// `scope-migrate apply DIR [--targets FILE] [--target NAME]... [--parallel-targets N]
// [--on-error stop|continue] [apply's options]`: applies a fleet plan (SPEC.md 11.7).
// First, before anything is written, every target's plan file DIR/NAME.jsonl has its
// checksum read and its sha256 compared with the index's (each target's apply then
// verifies its plan in full, plan_reader.h, before it writes); blocked keys in any plan refuse
// the fleet (exit 3) unless --allow-blocked; with --mapping FILE every plan must have been
// made with that mapping (65); then every target's approvals are counted as its apply will
// count them, and any target short of them refuses the whole fleet (7), nothing written
// anywhere. Then each target is applied, in the index's
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
#include "commands/command_support.h"
#include "core/mapping.h"
#include "pg/db.h"
#include "plan/plan_check.h"
#include "plan/plan_reader.h"
#include "write/approval_trust.h"
#include "write/approvals.h"
#include "write/run_history.h"

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

// apply DIR --mapping FILE: every plan was made with FILE's mapping (each target's apply
// checks it again), so an edited mapping cannot ride in on a re-hashed plan.
void PinMapping(const std::string& dir, const std::vector<Target>& targets,
                const std::string& mapping_path) {
  const Mapping mapping = Mapping::Load(mapping_path);
  for (const Target& target : targets) {
    const PlanFile plan = PlanFile::Open(PlanPathIn(dir, target.name), KeyFilter{});
    CheckHeaderMapping(plan.path(), plan.header(), mapping, mapping_path);
  }
}

// Whether one target can be written: "" when its plan is approved as its apply will require
// (or was applied before, or the target cannot be reached: then it fails on its own when it
// starts), else why not. Read only, one connection.
std::string ApprovalProblem(const Options& one, const std::string& sha256) {
  try {
    auto conn = Connect(one.Conninfo());
    const ResolvedLayout resolved = ResolveLayout(*conn, LoadLayout(one), one);
    const std::string schema = AuditSchema(one, resolved);
    const AuditLog audit(schema, one.timeouts);
    if (audit.Exists(*conn)) {
      for (const RunRow& run : RunsOfPlan(audit, *conn, sha256)) {
        if (run.status == RunStatus::kSucceeded && run.filter.empty()) return "";
      }
    }
    pqxx::read_transaction txn(*conn, "fleet approvals");
    SetLocalTimeouts(txn, one.timeouts);
    const ApprovalTrust trust = JudgeApprovalTrust(txn);
    CheckApprovals(txn, trust, RequirementOf(trust, one.require_approvals), sha256,
                   ApprovalWindow{}, "apply");
    return "";
  } catch (const ToolError& e) {
    return e.exit_code() == kExitNotApproved ? FirstLine(e.what()) : "";
  } catch (const pqxx::failure&) {
    return "";  // the target's own apply meets it again and fails with its message
  }
}

// Every target's approvals before any target writes: a fleet is never half-migrated because
// one plan lacks its approvals (the blocked keys were checked before, VerifyPlans).
void CheckEveryApproval(const std::vector<FleetEntry>& index, const std::vector<Target>& targets,
                        const Options& options) {
  std::string problems;
  for (const Target& target : targets) {
    const std::string problem =
        ApprovalProblem(TargetOptions(options, target), EntryNamed(index, target.name).sha256);
    if (!problem.empty()) problems += "\n  " + target.name + ": " + problem;
  }
  if (problems.empty()) return;
  throw ToolError(kExitNotApproved, "not every target's plan is approved; nothing was written "
                                    "on any target:" + problems);
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
      return FailedOutcome(target.name, e);
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
  CheckFleetMetricsFile(options);
  const std::string dir = *options.plan_file;
  const std::vector<FleetEntry> index = ReadFleetIndex(dir);
  const std::vector<Target> targets = TargetsOfIndex(index, options, dir);
  VerifyPlans(dir, index, targets, options);
  if (options.mapping) PinMapping(dir, targets, *options.mapping);
  CheckEveryApproval(index, targets, options);
  std::vector<FleetJob> jobs;
  std::string names;
  for (const Target& target : targets) {
    jobs.push_back(ApplyJob(dir, target, EntryNamed(index, target.name).sha256, options));
    names += (names.empty() ? "" : ", ") + target.name;
  }
  std::cout << "fleet apply of " << dir << ": " << CountOf(targets.size(), "target") << " ("
            << names << "), " << options.parallel_targets << " at a time, on error "
            << (options.stop_on_error ? "stop" : "continue") << "; every plan matches the index"
            << (options.mapping ? " and was made with " + *options.mapping : "")
            << "; every plan is approved as its target requires\n";
  std::cout.flush();
  return RunFleet(jobs, options.parallel_targets, options.stop_on_error,
                  {"apply", options.command_line});
}

}  // namespace scope_migrate
