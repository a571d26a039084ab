// `scope-migrate rollback SOURCE --run RUN_ID [--yes]`: shows what reverting an apply run
// would do; with --yes takes the run lock and reverts it (see rollback.h).
#include <iostream>

#include "command_support.h"
#include "rollback.h"
#include "run_lock.h"

namespace scope_migrate {

int RunRollbackCommand(const Options& options) {
  const Layout layout = LoadLayout(options);
  auto conn = Connect(options.Conninfo());
  const ResolvedLayout resolved = ResolveLayout(*conn, layout, options);
  AuditLog audit(*conn, AuditSchema(options, resolved), options.timeouts);
  std::optional<RunLock> lock;
  if (options.yes) {
    lock.emplace(*conn, audit);
    if (audit.Exists()) audit.MarkOrphanedRuns();
  }
  const ApplyOptions apply = MakeApplyOptions(options);
  const RollbackOutcome outcome = RollbackRun(*conn, audit, resolved, options.run_id, options.yes,
                                              apply, OperatorName(options), std::cout);
  if (outcome.exit_code != kExitOk) std::cerr << "scope-migrate: " << outcome.message << "\n";
  return outcome.exit_code;
}

}  // namespace scope_migrate
