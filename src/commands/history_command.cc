// `scope-migrate history SOURCE`: the apply and rollback runs, newest first, with their
// status and counts, from scope_migration_runs.
#include <iomanip>
#include <iostream>

#include "audit.h"
#include "command_support.h"
#include "db.h"

namespace scope_migrate {

int RunHistoryCommand(const Options& options) {
  const Layout layout = LoadLayout(options);
  auto conn = Connect(options.Conninfo());
  const ResolvedLayout resolved = ResolveLayout(*conn, layout, options);
  const AuditLog audit(AuditSchema(options, resolved), options.timeouts);
  if (!audit.Exists(*conn)) {
    std::cout << "no runs: the audit tables do not exist yet (nothing was applied)\n";
    return kExitOk;
  }
  const auto runs = audit.History(*conn);
  std::cout << std::left << std::setw(5) << "run" << std::setw(10) << "kind" << std::setw(13)
            << "status" << std::setw(22) << "started (UTC)" << std::setw(22) << "finished (UTC)"
            << std::setw(12) << "operator" << std::right << std::setw(7) << "keys" << std::setw(8)
            << "added" << std::setw(9) << "removed"
            << "  note\n";
  for (const RunRow& r : runs) {
    std::string note;
    if (r.rollback_of) note += "rollback of run " + std::to_string(*r.rollback_of);
    if (r.rolled_back_by) note += "rolled back by run " + std::to_string(*r.rolled_back_by);
    if (!r.filter.empty()) note += (note.empty() ? "" : "; ") + std::string("partial: ") + r.filter;
    if (!r.message.empty()) note += (note.empty() ? "" : "; ") + r.message;
    std::cout << std::left << std::setw(5) << r.run_id << std::setw(10) << r.kind << std::setw(13)
              << r.status << std::setw(22) << r.started_at << std::setw(22)
              << (r.finished_at.empty() ? "-" : r.finished_at) << std::setw(12) << r.operator_name
              << std::right << std::setw(7) << r.keys_changed << std::setw(8) << r.scopes_added
              << std::setw(9) << r.scopes_removed << "  " << note << "\n";
  }
  return kExitOk;
}

}  // namespace scope_migrate
