// Reading one key line of a plan file (plan_format.h) into a PlanKeyLine through
// nlohmann::json's SAX interface: the fields go straight into their places with no JSON
// document built in between, since a plan has a key line per key (a profile of apply
// showed the document building as the largest cost of verifying a plan). The rules are
// those of the format: "type" is "key"; "id" and "status" strings; "tenant",
// "name" and "reason" strings when present ("tenant" and "name" may be null); "roles",
// "current", "add" and "extra" lists of strings when present; unknown fields of any shape
// are ignored. ParseKeyLine() then checks that the lists fit together as a decision made
// them (sorted; add and current disjoint; extra part of current; a "change" key changes
// something). A NUL character (\u0000) in any text of the line is refused (no database
// value holds one; in a C string it would cut an id short). A line that breaks a rule throws
// ToolError(65) as "FILE:LINE:1: message".
#pragma once

#include <string>

#include "plan/plan_format.h"

namespace scope_migrate {

// Fills the fields written in the line (id, tenant, name, status, reason and the four
// lists); `out.line` is set to `number`. The derived lists are left to the caller.
void ParseKeyLineFields(const std::string& path, int number, const std::string& text,
                        PlanKeyLine& out);

// The fields, the derived lists of a plan made with `prune` (planned_key.h), and the checks.
PlanKeyLine ParseKeyLine(const std::string& path, int number, const std::string& text, bool prune);

}  // namespace scope_migrate
