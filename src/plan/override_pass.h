// The overrides' first pass (SPEC 12.2): before a plan writes a byte, the keys an overrides
// file names are read from the source (a look-up by id, which refuses no miss) and each
// override is tried on its key with the decision's rules (core/decision.h). Every refusal
// is an input error (65) at the override's FILE:LINE:COL, so nothing is planned: an
// override of a key that is not a legacy key of the source (unknown, or created at or after
// the cutoff), of a revoked key or one blocked for another reason than "no roles", one that
// changes nothing, or a write or privileged add to a read-only key without allow_write.
// Overrides of keys outside the run's --tenant/--key filter are left out and counted. In a
// fleet one file serves every target: a key missing from this target is no error here, and
// the caller refuses, once every target is read, an override no target had (RefuseUnfound).
#pragma once

#include <set>
#include <string>

#include "core/key_source.h"
#include "core/mapping.h"
#include "core/overrides.h"
#include "plan/plan_format.h"

namespace scope_migrate {

struct OverridePass {
  OverridesRecord record;      // for the plan's header
  std::set<std::string> found;  // ids of the overridden keys that are legacy keys here
};

// `missing_is_error`: refuse an override whose key this source does not hold (one source);
// false in a fleet.
OverridePass RunOverridePass(KeySource& source, const Mapping& mapping, const Overrides& overrides,
                             Instant cutoff, bool prune, const KeyFilter& filter,
                             bool missing_is_error);

// Throws ToolError(65) at the first override (in file order) whose key is not in `found`:
// "not a legacy key of `where`".
void RefuseUnfound(const Overrides& overrides, const std::set<std::string>& found,
                   const std::string& where);

}  // namespace scope_migrate
