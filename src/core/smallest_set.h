// The smallest sufficient set of one key (SPEC 12.1 `suggested`): the fewest of the scopes
// it holds that still satisfy every route it called (each route: at least one of its
// entries wholly held). Among sets of one size: the fewest privileged scopes, then the
// fewest `-write` scopes, then the first by catalog positions compared in order. Exact
// over at most kExactScopes scopes that can matter (sizes tried from small to large);
// beyond, a greedy set marked approximate. Pure; memoised by the caller (core/replay.h).
#pragma once

#include <string>
#include <vector>

#include "core/catalog.h"
#include "core/endpoints.h"

namespace scope_migrate {

inline constexpr size_t kExactScopes = 20;

struct SmallestSet {
  std::vector<std::string> scopes;  // sorted
  bool approximate = false;
};

// `needs`: per called route, the entries the key's scopes satisfy (each non-empty, sorted).
SmallestSet FindSmallestSet(const std::vector<std::vector<ScopeEntry>>& needs,
                            const Catalog& catalog);

}  // namespace scope_migrate
