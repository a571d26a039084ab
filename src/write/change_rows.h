// The rows of scope_migration_changes (one per scope a run added or removed) and, with
// scopes in a column, scope_migration_values (each key's value before and after, SPEC
// 10.9). Batches write them in their own transaction, beside the change itself, so the
// audit always matches what committed; rollback reads them back to find the keys to revert
// and the exact previous values, and `history --run` streams them.
#pragma once

#include <cstdint>
#include <functional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "core/key_change.h"
#include "write/audit_schema.h"

namespace scope_migrate {

// Inside a batch transaction: the audit rows of the changes, which are what the tool's
// statements changed (KeyStore::Write), not the plan.
void RecordChanges(const AuditLog& audit, pqxx::transaction_base& txn, int64_t run_id,
                   const std::vector<KeyChange>& changes);
// The values written into a scopes column, as stored before and after.
void RecordValues(const AuditLog& audit, pqxx::transaction_base& txn, int64_t run_id,
                  const std::vector<ValueChange>& values);

// Rollback. The keys of run `run_id` after `after_key` (text order) that no earlier
// rollback of the run reverted, at most `limit`, each with the change that reverts it
// (add = what the run removed, remove = what it added) and, for a scopes column, the
// values the run recorded.
std::vector<KeyChange> NextKeysToRevert(const AuditLog& audit, pqxx::transaction_base& txn,
                                        int64_t run_id, const std::string& after_key, size_t limit);
// Of `ids`, those a later apply run (not rolled back) changed.
std::set<std::string> TouchedLater(const AuditLog& audit, pqxx::transaction_base& txn,
                                   int64_t run_id, const std::vector<std::string>& ids);
int64_t KeysOfRun(const AuditLog& audit, pqxx::connection& conn, int64_t run_id);

// Streams the change rows of a run in key and scope order (constant memory).
struct ChangeRow {
  std::string api_key_id, scope, action, committed_at;  // committed_at in UTC
};
void ForEachChange(const AuditLog& audit, pqxx::connection& conn, int64_t run_id,
                   const std::function<void(const ChangeRow&)>& visit);

}  // namespace scope_migrate
