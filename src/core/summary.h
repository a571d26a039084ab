// The plan's summary: counts by status, by role and by scope, privileged grants and the
// blocked keys, accumulated key by key as the plan streams past. Every report format
// prints its summary from this one structure so the formats never disagree.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/catalog.h"
#include "core/decision.h"
#include "core/key.h"

namespace scope_migrate {

struct ScopeCounts {
  uint64_t add = 0;
  uint64_t remove = 0;
};

struct Summary {
  uint64_t keys_read = 0;
  uint64_t change = 0, unchanged = 0, drift = 0, blocked = 0, skipped = 0;
  uint64_t excluded_post_cutoff = 0;
  uint64_t scopes_to_add = 0, scopes_to_remove = 0;
  std::map<std::string, uint64_t> by_role;            // keys that convert, per mapped role
  std::map<std::string, ScopeCounts> by_scope;        // planned changes per scope
  std::map<std::string, uint64_t> privileged_grants;  // privileged scope -> keys gaining it
  std::string plan_sha256;  // the plan's checksum, known once its key lines are written

  void Add(const Decision& decision, const Catalog& catalog);
  // The counter of `status` (excluded: excluded_post_cutoff).
  uint64_t Count(Status status) const;
  uint64_t& Count(Status status);
};

}  // namespace scope_migrate
