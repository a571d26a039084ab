// Rollback of one apply run: removes the scopes it added and re-adds those it removed,
// key by key, except for keys changed since (a scope it added is gone, a scope it removed
// is back, or a later apply run touched the key): those are reported and left alone, so a
// rollback never undoes someone else's work. It runs in batches like apply, records a
// "rollback" run whose audit rows are the reverse actions, and finally marks the original
// run "rolled-back". A dry run (no --yes) computes the same and writes nothing.
// A rollback interrupted part-way resumes: keys already reverted are not touched again.
#pragma once

#include <cstdint>
#include <ostream>
#include <pqxx/pqxx>
#include <string>

#include "applier.h"
#include "audit.h"
#include "layout.h"

namespace scope_migrate {

struct RollbackOutcome {
  int exit_code = 0;
  int64_t rollback_run_id = 0;
  uint64_t keys_reverted = 0, scopes_removed = 0, scopes_added = 0, keys_left_alone = 0;
  std::string message;
};

// `execute` false: report only, in a read-only transaction.
RollbackOutcome RollbackRun(pqxx::connection& conn, AuditLog& audit, const ResolvedLayout& layout,
                            int64_t run_id, bool execute, const ApplyOptions& options,
                            const std::string& operator_name, std::ostream& out);

}  // namespace scope_migrate
