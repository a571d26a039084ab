// `scope-migrate rollback SOURCE --run RUN_ID [--yes]`: shows what reverting an apply run
// would do; with --yes takes the run lock and reverts it (see rollback_step.h).
#include <iostream>

#include "command_support.h"
#include "db.h"
#include "rollback_step.h"
#include "run_lock.h"

namespace scope_migrate {
namespace {

// The run to revert, or a ToolError(1) saying why it cannot be reverted.
RunRow RevertibleRun(pqxx::connection& conn, const AuditLog& audit, int64_t run_id) {
  if (!audit.Exists(conn)) {
    throw RuntimeFailure("no audit tables in this database: nothing was ever applied here");
  }
  const auto run = audit.FindRun(conn, run_id);
  const std::string name = "run " + std::to_string(run_id);
  if (!run) throw RuntimeFailure("there is no " + name + " (see `scope-migrate history`)");
  if (run->kind != "apply") {
    throw RuntimeFailure(name + " is a " + run->kind + ", not an apply run");
  }
  if (run->status == "rolled-back") {
    throw RuntimeFailure(name + " is already rolled back (by run " +
                         std::to_string(run->rolled_back_by.value_or(0)) + ")");
  }
  if (run->status == "running") throw RuntimeFailure(name + " is still running");
  return *run;
}

int64_t StartRollbackRun(pqxx::connection& conn, const AuditLog& audit, const RunRow& run,
                         const Options& options) {
  RunStart start;
  start.kind = "rollback";
  start.operator_name = OperatorName(options);
  start.mapping_sha256 = run.mapping_sha256;
  start.plan_sha256 = run.plan_sha256;
  start.rollback_of = run.run_id;
  return audit.StartRun(conn, start);
}

}  // namespace

int RunRollbackCommand(const Options& options) {
  const Layout layout = LoadLayout(options);
  auto conn = Connect(options.Conninfo());
  const ResolvedLayout resolved = ResolveLayout(*conn, layout, options);
  const AuditLog audit(*conn, AuditSchema(options, resolved), options.timeouts);
  std::optional<RunLock> lock;
  if (options.yes) {
    lock.emplace(*conn, audit);
    if (audit.Exists(*conn)) audit.MarkOrphanedRuns(*conn);
  }
  const RunRow run = RevertibleRun(*conn, audit, options.run_id);
  const bool dry_run = !options.yes;
  const int64_t rollback_id = dry_run ? 0 : StartRollbackRun(*conn, audit, run, options);

  auto store = MakeKeyStore(resolved);
  RunnerOptions runner_options = MakeRunnerOptions(options, "rollback");
  runner_options.dry_run = dry_run;
  runner_options.stale_advice = "Re-run the same rollback: keys changed since are left alone";
  BatchRunner runner(*conn, ConnectionFactoryFor(options), audit, *store, rollback_id,
                     runner_options);
  RollbackStep step(audit, run.run_id, dry_run, std::cout);
  const RunEnd end = runner.Run(step, static_cast<uint64_t>(audit.KeysOfRun(*conn, run.run_id)));
  PrintRollbackReport(std::cout, run.run_id, dry_run, end);
  if (end.error) throw *end.error;
  if (!dry_run) {
    std::cout << "run " << run.run_id << " is marked rolled-back by run " << rollback_id << "\n";
  }
  return kExitOk;
}

}  // namespace scope_migrate
