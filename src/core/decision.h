// The decision for one key (SPEC section 5): the single pure function that plan, apply
// and verify all call. Given a key and the loaded mapping it returns what should happen
// and why. It never fails: an unknown role or a missing creation date is an answer
// (blocked), not an error, and a blocked or skipped key is never written.
//
// A key may have an override (SPEC 12.2, core/overrides.h): its scopes are then
// after = ((mapped target ∪ kept extras) − remove) ∪ add, where kept extras are the scopes
// outside the target that stay (all of them without --prune, none with it); the override's
// remove takes a scope off even without --prune; an empty after blocks the key ("no
// scopes"), and a key blocked for "no roles" takes the override's add as its whole target.
// An override that may not apply to the key (the key is revoked or blocked for another
// reason; it adds a scope the key would hold anyway or removes one it would not hold; it
// adds a write or privileged scope to a key whose roles are all read-only without
// allow_write) is refused: the decision is then made without it and the refusal says why,
// for the caller to stop with (exit 65 at the override's FILE:LINE:COL).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/string_lists.h"
#include "core/key.h"
#include "core/mapping.h"
#include "core/overrides.h"

namespace scope_migrate {

// What happens to a key. A key is skipped exactly when it is revoked; an excluded key
// (created at or after the cutoff) is counted but never listed, so plan files hold the
// other five.
enum class Status { kChange, kUnchanged, kDrift, kBlocked, kSkipped, kExcluded };

// The statuses a plan lists (every one but excluded), in the order the summaries count them.
inline constexpr Status kListedStatuses[] = {Status::kChange, Status::kUnchanged, Status::kDrift,
                                             Status::kBlocked, Status::kSkipped};

// The one spelling of a status, wherever one is written or read (plan files, reports,
// summaries): "change", "unchanged", "drift", "blocked", "skipped", "excluded".
const char* StatusName(Status status);
// The status `name` spells, or nullopt.
std::optional<Status> ParseStatus(std::string_view name);

struct DecisionOptions {
  Instant cutoff = 0;  // keys created at or after this instant are not legacy
  bool prune = false;  // remove scopes outside the target
};

struct Decision {
  Status status = Status::kUnchanged;
  std::string reason;               // for blocked and skipped keys
  std::vector<std::string> roles;   // normalised names of the key's known roles, sorted
  std::vector<std::string> target;  // union of the mapped scopes; all lists sorted, unique
  std::vector<std::string> current;
  std::vector<std::string> add;     // target - current
  std::vector<std::string> extra;   // current - target
  std::vector<std::string> remove;  // extra when pruning, else empty (or the override's)
  std::optional<KeyOverride> override;  // the override applied to the key, if any
};

// Why an override may not apply to its key, and which part of it is at fault.
struct OverrideRefusal {
  enum class Part { kEntry, kAdd, kRemove };
  Part part = Part::kEntry;
  size_t index = 0;     // of the scope in the override's add or remove list
  std::string message;  // empty: the override applies
  explicit operator bool() const { return !message.empty(); }
};

// Where in the overrides file a refusal points: the scope at fault, else the entry.
FilePlace OverridePlace(const Override& o, const OverrideRefusal& refusal);

// With `override`, decides with it applied; when it is refused, `*refusal` (required then)
// says why and the decision is the one without it.
Decision Decide(const KeyRecord& key, const Mapping& mapping, const DecisionOptions& options,
                const KeyOverride* override = nullptr, OverrideRefusal* refusal = nullptr);

// The override's rules on the lists of one key, shared by Decide and the plan checker
// (plan/plan_check.h), which recomputes a plan's key lines from its header. `target` is the
// mapped target (empty for a key with no roles) and d.current the key's scopes (both
// sorted, unique); `read_only`: the key has roles and all are read-only;
// `write_or_privileged` tells the scopes a read-only key may gain only with allow_write.
// Fills d's target, add, extra, remove, status (reason "no scopes" when nothing is left)
// and override; or returns the refusal and leaves d alone.
OverrideRefusal ApplyOverride(const KeyOverride& o, const std::vector<std::string>& target,
                              bool read_only, bool prune,
                              const std::function<bool(const std::string&)>& write_or_privileged,
                              Decision& d);

// add, extra, remove and status from d.target and d.current (section 5, step 6); with
// `override_remove`, the scopes of extra it names are removed even without pruning.
void FinishDecision(Decision& d, bool prune, const std::vector<std::string>* override_remove);

}  // namespace scope_migrate
