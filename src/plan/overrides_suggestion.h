// `simulate --suggest-overrides FILE [--narrow]` (SPEC 12.1): the per-key overrides a
// reviewer can edit and feed back with --overrides (SPEC 12.2's file format: YAML, or JSON
// Lines when FILE ends in ".jsonl"). For each key that would break, an `add` of one entry
// per denied route that its adds so far do not already satisfy (only the scopes of the
// entry it lacks); for each key blocked for
// "no roles" with traffic, an `add` per called route. The entry chosen is the one with
// the fewest privileged scopes, then the fewest `-write` ones, then the fewest scopes, then
// the first in the catalog's order (read scopes where they do; a privileged one only when
// nothing else does). With narrow, also a `remove` of after - suggested for keys with
// matched calls, never emptying a key. A read-only key (every role read-only) that needs a
// `-write` or privileged scope gets `allow_write: false` and a reason telling the reviewer
// to decide, so the file is refused until one does. Pure: text from a ReplayResult.
#pragma once

#include <string>
#include <vector>

#include "core/endpoints.h"
#include "core/replay.h"

namespace scope_migrate {

struct SuggestedOverride {
  std::string key;
  std::vector<std::string> add, remove;  // sorted
  std::string reason;
  bool needs_allow_write = false;  // a read-only key gains a -write or privileged scope
};

// `read_only(i)`: whether the i-th key of `result` has only read-only roles.
std::vector<SuggestedOverride> SuggestOverrides(const ReplayResult& result,
                                                const EndpointCatalog& endpoints, bool narrow,
                                                const std::vector<bool>& read_only);

// The overrides file: JSON Lines when `jsonl`, else YAML (version 1).
std::string OverridesFileText(const std::vector<SuggestedOverride>& overrides, bool jsonl);

}  // namespace scope_migrate
