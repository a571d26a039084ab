// What a command supplies to the one write loop (batch_runner.h): a WriteStep says where
// the batches come from and which keys of a batch to write; the runner does everything
// else. Batch, Selection and RunTotals are the plain data passed between them: a batch
// handed out, what the step chose in it, and the counts of committed batches (plus the
// keys a step passed over before batching, which need no batch).
#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/key_change.h"
#include "write/audit_schema.h"
#include "write/key_store.h"

namespace scope_migrate {

struct Batch {
  size_t number = 0;  // 1-based, in the order batches are handed out
  std::vector<KeyChange> keys;
  // Keys the step found written before batching (a resume), and their scopes to add and
  // remove: counted as done at once, in no batch.
  uint64_t passed_over = 0, passed_over_scopes = 0;
};

// What a step chose in one batch.
struct Selection {
  std::vector<const KeyChange*> write;  // to write now
  uint64_t already_done = 0;            // written by an earlier run
  uint64_t already_done_scopes = 0;     // their scopes to add and remove
  std::vector<std::string> left_alone;  // changed since, not written (rollback)
};

struct RunTotals {
  uint64_t batches = 0, keys = 0, added = 0, removed = 0, already_done = 0, left_alone = 0;
  uint64_t already_done_scopes = 0;         // the already-done keys' scopes to add and remove
  std::vector<std::string> left_alone_ids;  // the first 50

  void Add(const RunTotals& more);
  uint64_t scopes_done() const { return added + removed + already_done_scopes; }
};

class WriteStep {
 public:
  virtual ~WriteStep() = default;
  // Fills `batch` with up to `limit` keys, or passes some over (Batch::passed_over) and
  // returns with fewer, even none, so the runner counts them; false when no key is left.
  // The runner calls it from one worker at a time, with that worker's connection.
  virtual bool Next(pqxx::connection& conn, size_t limit, Batch& batch) = 0;
  // Inside the batch's transaction, with `now` the keys' state read under their locks:
  // which keys to write. Throws ToolError to stop the run (kExitStalePlan: stale).
  virtual Selection Select(pqxx::transaction_base& txn, const Batch& batch,
                           const KeyStates& now) = 0;
  // Records a run that ended well; by default its status becomes "succeeded".
  virtual void FinishSucceeded(pqxx::connection& conn, const AuditLog& audit, int64_t run_id);
};

}  // namespace scope_migrate
