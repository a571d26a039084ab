// Where the write side reads and writes a key's roles and scopes: the layout's storage
// shape behind one small interface, so the batch loop, apply and rollback never spell a
// table or column. Every method runs inside the caller's transaction.
//
// Read(lock = true) first locks the keys' rows in the keys table (FOR UPDATE, in id order)
// and only then reads their roles and scopes, so the read sees everything committed
// before the lock was ours and nothing can be granted alongside the batch (another
// session's insert waits on the key row through its foreign key). Write() applies changes
// that the write rules (write_rules.h) allowed: the keys are locked and exactly as
// verified, so adds go straight in with COPY; a scope to remove that is already gone (a
// delete that takes no key lock) throws ToolError(kExitStalePlan), and the batch rolls back.
#pragma once

#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "layout.h"
#include "write_rules.h"

namespace scope_migrate {

using KeyStates = std::map<std::string, KeyState>;  // by key id (text)

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // The keys' state; keys that do not exist are absent. `lock`: take the row locks first.
  virtual KeyStates Read(pqxx::transaction_base& txn, const std::vector<std::string>& ids,
                         bool lock) = 0;
  virtual void Write(pqxx::transaction_base& txn, const std::vector<const KeyChange*>& changes) = 0;
};

// The store for a resolved layout (roles and scopes each in a table of their own).
std::unique_ptr<KeyStore> MakeKeyStore(const ResolvedLayout& layout);

}  // namespace scope_migrate
