// Where the write side reads and writes a key's roles and scopes: the layout's storage
// shape behind one small interface, so the batch loop, apply and rollback never spell a
// table or column. Every method runs inside the caller's transaction (READ COMMITTED).
//
// Read(lock = true) first takes FOR KEY SHARE on the keys' rows (in id order) and then
// reads their roles and scopes. FOR KEY SHARE stops the key being deleted (or its id
// changed) until the batch commits, and nothing else: the application's updates of other
// columns (last_used_at) and its inserts and deletes of scope and role rows go on
// (docs/production.md, "Writing beside live traffic", has the reasoning and the table of
// interleavings). So the state read is the state at the read, and Write() is built so that
// a change the application commits between the read and the write is kept, never undone:
//
// Scopes in a table: adds are INSERT ... ON CONFLICT DO NOTHING RETURNING and removals
// DELETE ... RETURNING, and Write() returns exactly the rows they changed: a scope the
// application inserted first is not the tool's add, one it deleted first is not the tool's
// removal, and only what the tool changed is audited (and can be rolled back). The tool
// never inserts a scope that is not in a change's `add` nor deletes one not in `remove`.
// (The guarantee for inserts needs a unique index on (key, scope), as the default schema's
// primary key.)
//
// Scopes in a column of the keys table: one UPDATE ... FROM unnest(ids, values) per batch
// writes each key's new value (column_format.h: removed items go, added ones are appended
// in the catalog's order, by name), only where the column still holds the value read; a
// key whose value the application changed meanwhile throws ToolError(kExitStalePlan) and
// the batch rolls back. The UPDATE's row locks are held from the write to the commit
// only. A rollback whose key still holds what its run wrote puts back the recorded
// previous value exactly.
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

// What Write() changed: per key (in the order given), the scopes it added and removed
// itself (keys where it changed nothing are left out); for a scopes column also each
// value as stored before and after.
struct WriteResult {
  std::vector<KeyChange> changed;
  std::vector<ValueChange> values;
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // The keys' state; keys that do not exist are absent. `lock`: take the row locks first.
  virtual KeyStates Read(pqxx::transaction_base& txn, const std::vector<std::string>& ids,
                         bool lock) = 0;
  // `now` is what Read() returned for the batch.
  virtual WriteResult Write(pqxx::transaction_base& txn,
                            const std::vector<const KeyChange*>& changes, const KeyStates& now) = 0;
};

// The store for a resolved layout's shape.
std::unique_ptr<KeyStore> MakeKeyStore(const ResolvedLayout& layout);

}  // namespace scope_migrate
