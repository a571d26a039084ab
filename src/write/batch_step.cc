#include "write/batch_step.h"

#include "write/run_rows.h"

namespace scope_migrate {

void RunTotals::Add(const RunTotals& more) {
  batches += more.batches;
  keys += more.keys;
  added += more.added;
  removed += more.removed;
  already_done += more.already_done;
  already_done_scopes += more.already_done_scopes;
  left_alone += more.left_alone;
  for (const auto& id : more.left_alone_ids) {
    if (left_alone_ids.size() < 50) left_alone_ids.push_back(id);
  }
}

void WriteStep::FinishSucceeded(pqxx::connection& conn, const AuditLog& audit, int64_t run_id) {
  FinishRun(audit, conn, run_id, RunStatus::kSucceeded, "");
}

}  // namespace scope_migrate
