// The decision for one key (SPEC section 5): the single pure function that plan, apply
// and verify all call. Given a key and the loaded mapping it returns what should happen
// and why. It never fails: an unknown role or a missing creation date is an answer
// (blocked), not an error, and a blocked or skipped key is never written.
#pragma once

#include <string>
#include <vector>

#include "base/string_lists.h"
#include "core/key.h"
#include "core/mapping.h"

namespace scope_migrate {

enum class Status { kChange, kUnchanged, kDrift, kBlocked, kSkipped, kExcluded };

const char* StatusName(Status status);  // "change", "unchanged", ... "excluded"

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
  std::vector<std::string> remove;  // extra when pruning, else empty
};

Decision Decide(const KeyRecord& key, const Mapping& mapping, const DecisionOptions& options);

}  // namespace scope_migrate
