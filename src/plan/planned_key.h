// One planned key, from the source to the write, and every conversion between its shapes.
// Follow a key down this list; each step names where it happens:
//
//   1. KeyRecord (core/key.h) as a KeySource reads it, and the Decision (core/decision.h)
//      Decide() makes for it: together a PlannedKey, which the planner hands to every
//      report writer (planner.cc).
//   2. Its JSON key line in the plan file (plan_format.h): AppendKeyLine().
//   3. A PlanKeyLine read back from that line, checked, with the derived lists filled in:
//      ParseKeyLine() (key_line_parser.h), DeriveLists().
//   4. A record in the plan reader's verified copy (verified_copy.h), from which `apply`
//      and `show` read it again without parsing JSON: RecordWriter and RecordReader.
//   5. For a "change" key, the KeyChange (core/write_rules.h) the batch loop judges and
//      writes: KeyChangeOf().
//
// `show` goes back from 3 to 1 with RecordedKeyOf(), so a saved plan's report comes from
// the same writers as the plan's own. Nothing on the way is guessed: the status, reason and
// lists are the ones the line carries.
#pragma once

#include <string>

#include "core/decision.h"
#include "core/key.h"
#include "core/write_rules.h"
#include "plan/plan_format.h"

namespace scope_migrate {

// Shape 1, as the report writers see it.
struct PlannedKey {
  const KeyRecord& key;
  const Decision& decision;
};

// 1 -> 2: appends the key line (no newline) in id, tenant, name, status, reason, roles,
// current, add, extra, override order, leaving out what is absent or empty.
void AppendKeyLine(std::string& out, const PlannedKey& key);

// 3: target = current - extra + add; remove = extra for a "change" key of a pruning plan,
// else the extra scopes its override removes.
// `key.target` and `key.remove` must be empty.
void DeriveLists(PlanKeyLine& key, bool prune);

// 3 -> 1 (for `show`): the key and decision the line records. The decision's roles (the
// normalised names) are not in a plan file and stay empty; a skipped key is revoked.
struct RecordedKey {
  KeyRecord key;
  Decision decision;
};
RecordedKey RecordedKeyOf(const PlanKeyLine& line);

// 3 -> 5: the change a "change" key's line plans, with the state the plan saw.
KeyChange KeyChangeOf(PlanKeyLine&& line);

}  // namespace scope_migrate
