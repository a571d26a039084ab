// `scope-migrate rollback SOURCE (--run RUN_ID | --plan SHA256|PREFIX|PLANFILE) [--yes]`:
// shows what reverting an apply run would do; with --yes takes the lease and reverts it (see
// rollback_step.h). --plan reverts every apply run of a plan (one resumed over several
// runs), newest first, each as a rollback run of its own; the plan is named by its sha256,
// a prefix of 8 or more hex digits that only one applied plan starts with (an ambiguous one
// is a usage error listing the plans), or a plan file (its sha256, checked by the reader).
// `--run N --plan FILE` reverts run N by that plan file. Either way a run is reverted only
// by its own plan (the file, or the copy apply stored), only where its audit rows match a
// change of that plan, and only when the plan's approvals meet the requirement
// (audit_check.h); otherwise nothing is written.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>

#include "base/event_log.h"
#include "base/regular_file.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "pg/db.h"
#include "plan/plan_reader.h"
#include "write/audit_check.h"
#include "write/change_rows.h"
#include "write/rollback_step.h"
#include "write/run_history.h"
#include "write/run_lease.h"

namespace scope_migrate {
namespace {

// Why a run cannot be reverted, or "" when it can.
std::string NotRevertible(const RunRow& run) {
  const std::string name = "run " + std::to_string(run.run_id);
  if (run.kind != RunKind::kApply) {
    return name + " is a " + ToString(run.kind) + ", not an apply run";
  }
  if (run.status == RunStatus::kRolledBack) {
    return name + " is already rolled back (by run " +
           std::to_string(run.rolled_back_by.value_or(0)) + ")";
  }
  if (run.status == RunStatus::kRunning) return name + " is still running";
  return "";
}

RunRow RunToRevert(pqxx::connection& conn, const AuditLog& audit, int64_t run_id) {
  const auto run = FindRun(audit, conn, run_id);
  if (!run) {
    throw RuntimeFailure("there is no run " + std::to_string(run_id) +
                         " (see `scope-migrate history`)");
  }
  if (const std::string why = NotRevertible(*run); !why.empty()) throw RuntimeFailure(why);
  return *run;
}

bool IsHex(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// The plan sha256 that --plan names (see the top of this file). A prefix no applied plan
// starts with comes back as it is, for RunsOfPlanToRevert's "no apply run" error.
std::string PlanToRevert(pqxx::connection& conn, const AuditLog& audit, const std::string& value) {
  if (value.size() < 8 || !IsHex(value)) {
    if (!PathExists(value)) {
      throw UsageError(
          "--plan takes a plan's sha256, a prefix of it of at least 8 hex digits, "
          "or a plan file; \"" +
          value + "\" is none of these");
    }
    return PlanFile::Open(value, KeyFilter{}).sha256();
  }
  std::string sha = value;
  std::transform(sha.begin(), sha.end(), sha.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (sha.size() == 64) return sha;
  const std::vector<std::string> plans = PlansWithPrefix(audit, conn, sha);
  if (plans.size() <= 1) return plans.empty() ? sha : plans.front();
  std::string list;
  for (const auto& plan : plans) list += "\n  " + plan;
  throw UsageError("--plan " + sha + " is ambiguous: " + std::to_string(plans.size()) +
                   " applied plans start with it:" + list);
}

// The plan file --plan names, if it names one (rather than a sha256 or a prefix of one).
std::optional<std::string> PlanFileNamed(const Options& options) {
  const std::optional<std::string>& value = options.rollback_plan;
  if (!value || (value->size() >= 8 && IsHex(*value))) return std::nullopt;
  return value;
}

// The apply runs of the plan still to revert, newest first.
std::vector<RunRow> RunsOfPlanToRevert(pqxx::connection& conn, const AuditLog& audit,
                                       const std::string& sha256, const Options& options) {
  const std::vector<RunRow> all = RunsOfPlan(audit, conn, sha256);
  if (all.empty()) {
    throw RuntimeFailure("no apply run of plan " + sha256 +
                         " in this database (see `scope-migrate history`)");
  }
  std::vector<RunRow> runs;
  for (const RunRow& run : all) {
    const std::string why = NotRevertible(run);
    if (run.status == RunStatus::kRunning) throw RuntimeFailure(why);
    if (why.empty()) {
      runs.push_back(run);
    } else if (!options.quiet) {
      std::cout << why << "\n";
    }
  }
  return runs;
}

// Before anything is written: the run's plan, only audit rows that match its changes, and
// its approvals (audit_check.h). Returns the plan's changes, which each batch checks again.
PlannedChanges CheckRevertible(pqxx::connection& conn, const ResolvedLayout& layout,
                               const AuditLog& audit, const RunRow& run,
                               const std::optional<std::string>& plan_file) {
  const PlanFile plan = PlanOfRun(audit, conn, run, plan_file);
  PlannedChanges planned(plan);
  RefuseUnplanned(FindUnplannedRows(audit, conn, run.run_id, planned, layout),
                  "run " + std::to_string(run.run_id));
  CheckRollbackApprovals(audit, conn, run);
  return planned;
}

void RollbackOne(pqxx::connection& conn, const ResolvedLayout& layout, const AuditLog& audit,
                 const RunRow& run, const Options& options,
                 const std::optional<std::string>& plan_file) {
  const PlannedChanges planned = CheckRevertible(conn, layout, audit, run, plan_file);
  const bool dry_run = !options.yes;
  int64_t rollback_id = 0;
  if (!dry_run) {
    RunStart start;
    start.kind = RunKind::kRollback;
    start.operator_name = OperatorName(options);
    start.mapping_sha256 = run.mapping_sha256;
    start.plan_sha256 = run.plan_sha256;
    start.rollback_of = run.run_id;
    CheckAppProbe(conn, options);
    const Lease lease = AcquireLease(conn, audit, start, options.lock_lease_ms);
    rollback_id = lease.run_id;
    for (const std::string& note : lease.notes) Note(note);
    std::cout << "rollback run " << rollback_id << " of run " << run.run_id << " ("
              << run.keys_changed << " keys changed, " << run.scopes_added << " scopes added, "
              << run.scopes_removed << " removed) on " << DescribeConnection(conn).Url()
              << "\n  writes   " << DescribeBatches(options) << "\n";
    std::cout.flush();
  }
  EmitRunStarted(options, "rollback", rollback_id, run.plan_sha256,
                 {{"rollback_of", run.run_id}, {"dry_run", dry_run}});
  auto store = MakeKeyStore(layout);
  RunnerOptions runner_options = MakeRunnerOptions(options, "rollback");
  runner_options.dry_run = dry_run;
  if (dry_run) runner_options.jobs = 1;  // the listing keeps key order
  runner_options.stale_advice = "Re-run the same rollback: keys changed since are left alone";
  runner_options.plan_sha256 = run.plan_sha256;
  runner_options.scopes_total = static_cast<uint64_t>(run.scopes_added + run.scopes_removed);
  BatchRunner runner(conn, ConnectionFactoryFor(options), audit, *store, rollback_id,
                     runner_options);
  RollbackStep step(audit, run.run_id, dry_run, std::cout, planned, layout);
  const RunEnd end = runner.Run(step, static_cast<uint64_t>(KeysOfRun(audit, conn, run.run_id)));
  PrintRollbackReport(std::cout, run.run_id, dry_run, end);
  if (end.error) throw *end.error;
  if (!dry_run) {
    std::cout << "run " << run.run_id << " is marked rolled-back by run " << rollback_id << "\n";
  }
}

}  // namespace

int RunRollbackCommand(const Options& options) {
  if (options.targets) return RunFleetRollback(options);
  const Layout layout = LoadLayout(options);
  auto conn = Connect(options.Conninfo());
  const ResolvedLayout resolved = ResolveLayout(*conn, layout, options);
  const AuditLog audit(AuditSchema(options, resolved), options.timeouts,
                       resolved.scopes_shape == Shape::kColumn);
  if (options.yes) RefuseReadOnlyServer(*conn, "rollback");
  if (!audit.Exists(*conn)) {
    throw RuntimeFailure("no audit tables in this database: nothing was ever applied here");
  }
  if (options.yes) audit.EnsureTables(*conn);  // columns added since the tables were made
  if (options.run_id > 0 && options.rollback_plan && !PlanFileNamed(options)) {
    throw UsageError("with --run, --plan takes the run's plan file (not a sha256)");
  }
  const bool by_plan = options.rollback_plan && options.run_id == 0;
  const std::string plan = by_plan ? PlanToRevert(*conn, audit, *options.rollback_plan) : "";
  const std::vector<RunRow> runs =
      by_plan ? RunsOfPlanToRevert(*conn, audit, plan, options)
              : std::vector<RunRow>{RunToRevert(*conn, audit, options.run_id)};
  if (runs.empty())
    std::cout << "every apply run of plan " << plan << " is rolled back already: nothing to do\n";
  const std::optional<std::string> plan_file = PlanFileNamed(options);
  for (const RunRow& run : runs) RollbackOne(*conn, resolved, audit, run, options, plan_file);
  if (!options.yes) std::cout << "dry run: nothing was written; add --yes to roll back\n";
  return kExitOk;
}

}  // namespace scope_migrate
