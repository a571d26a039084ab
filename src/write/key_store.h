// Where the write side reads and writes a key's roles and scopes: the layout's storage
// shape behind one small interface, so the batch loop, apply and rollback never spell a
// table or column. Every method runs inside the caller's transaction.
//
// Read(lock = true) first locks the keys' rows in the keys table (FOR UPDATE, in id order)
// and only then reads their roles and scopes, so the read sees everything committed
// before the lock was ours and nothing can be granted alongside the batch (another
// session's insert waits on the key row through its foreign key). Write() applies changes
// that the write rules (write_rules.h) allowed, with the keys locked and exactly as read.
//
// Scopes in a table: adds go straight in with COPY; a scope to remove that is already gone
// (a delete that takes no key lock) throws ToolError(kExitStalePlan), and the batch rolls
// back. Scopes in a column of the keys table: one UPDATE ... FROM unnest(ids, values) per
// batch writes each key's new value (column_format.h: removed items go, added ones are
// appended in the catalog's order, by name); a rollback whose key still holds what
// its run wrote puts back the recorded previous value exactly. Write() returns the values
// it wrote, for the audit trail (none for a table).
#pragma once

#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/key_change.h"
#include "pg/layout_resolve.h"

namespace scope_migrate {

using KeyStates = std::map<std::string, KeyState>;  // by key id (text)

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // The keys' state; keys that do not exist are absent. `lock`: take the row locks first.
  virtual KeyStates Read(pqxx::transaction_base& txn, const std::vector<std::string>& ids,
                         bool lock) = 0;
  // `now` is what Read() returned for the batch.
  virtual std::vector<ValueChange> Write(pqxx::transaction_base& txn,
                                         const std::vector<const KeyChange*>& changes,
                                         const KeyStates& now) = 0;
};

// The store for a resolved layout's shape.
std::unique_ptr<KeyStore> MakeKeyStore(const ResolvedLayout& layout);

}  // namespace scope_migrate
