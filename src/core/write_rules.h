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

#include <string>
#include <vector>

#include "core/key_change.h"

namespace scope_migrate {

enum class Verdict { kWrite, kAlreadyDone, kChangedSince };

// The scopes after `add` and `remove` are applied to `current` (sorted, unique).
std::vector<std::string> StateAfter(const std::vector<std::string>& current,
                                    const std::vector<std::string>& add,
                                    const std::vector<std::string>& remove);

// `now` is null when the key no longer exists.
Verdict JudgeApply(const KeyState* now, const KeyChange& planned);

// For a key JudgeApply found changed since the plan: what changed, for the stale message,
// e.g. `scopes now have +beta-preview (the plan saw [access-management-read])`, roles
// quoted; "it was revoked"; the reason an unreadable key does not read.
std::string DescribeChangeSince(const KeyState& now, const KeyChange& planned);

// `inverse` is the rollback's change (add = what the run removed, remove = what it added).
Verdict JudgeRevert(const KeyState* now, const KeyChange& inverse, bool touched_later);

}  // namespace scope_migrate
