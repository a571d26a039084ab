// The rules that decide, inside a batch's transaction and with the key locked, whether a
// key may be written. Pure functions: the batch code reads the key's state now and feeds
// them, and the tests feed them directly.
//
// Apply: a key's fingerprint is its state (revoked or not, its raw roles with duplicates,
// its set of scopes), compared exactly rather than through a hash. A key whose state now
// is the one the plan saw is written; one in the plan's *after* state (current + add -
// remove) was written by an earlier, interrupted run of the same plan and is already
// applied; anything else (roles, scopes or revocation differ, or the key is gone) changed
// since the plan: the plan is stale.
//
// A key whose roles or scopes no longer read (a column value that does not parse) has
// changed since, for apply and rollback alike.
//
// Rollback: a key is reverted only when it is still as the run left it (every scope the
// run added is there, none it removed is back) and no later apply run touched it;
// otherwise it changed since and is left alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scope_migrate {

// A key as it is in the database now.
struct KeyState {
  bool revoked = false;
  std::vector<std::string> roles;   // raw role values, sorted, duplicates kept
  std::vector<std::string> scopes;  // current scopes, sorted, unique
  std::string unreadable;           // why its roles or scopes do not read now, or ""
  // A scopes column only: its value as stored (text form, absent for NULL) and its items
  // in stored order, from which the new value is computed.
  std::optional<std::string> raw_scopes;
  std::vector<std::string> scope_items;
};

// What an apply run wrote into a scopes column, recorded so that its rollback can put
// back the exact previous value.
struct RecordedValue {
  std::optional<std::string> previous, written;
};

// One key's change: the scopes to add and to remove (sorted, disjoint). For apply it also
// holds the state the plan saw, which the key must still be in.
struct KeyChange {
  std::string id;
  int line = 0;  // the plan line (apply), for messages; 0 when there is none
  std::vector<std::string> add, remove;
  std::vector<std::string> planned_roles, planned_scopes;  // apply only
  std::optional<RecordedValue> recorded;                   // rollback of a scopes column
};

// One value written into a scopes column: the key, the value before and the value after.
struct ValueChange {
  std::string id;
  std::optional<std::string> previous, written;
};

enum class Verdict { kWrite, kAlreadyDone, kChangedSince };

// The scopes after `add` and `remove` are applied to `current` (sorted, unique).
std::vector<std::string> StateAfter(const std::vector<std::string>& current,
                                    const std::vector<std::string>& add,
                                    const std::vector<std::string>& remove);

// `now` is null when the key no longer exists.
Verdict JudgeApply(const KeyState* now, const KeyChange& planned);

// `inverse` is the rollback's change (add = what the run removed, remove = what it added).
Verdict JudgeRevert(const KeyState* now, const KeyChange& inverse, bool touched_later);

}  // namespace scope_migrate
