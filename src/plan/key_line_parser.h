// Reading one key line of a plan file (plan_format.h) into a PlanKeyLine through
// nlohmann::json's SAX interface: the fields go straight into their places with no JSON
// document built in between, since a plan has a key line per key (a profile of apply
// showed the document building as the largest cost of verifying a plan). The rules are
// those of the format: "type" first and "key"; "id" and "status" strings; "tenant",
// "name" and "reason" strings when present ("tenant" and "name" may be null); "roles",
// "current", "add" and "extra" lists of strings when present; unknown fields of any shape
// are ignored. A line that breaks them throws ToolError(65) as "FILE:LINE:1: message".
#pragma once

#include <string>

#include "plan/plan_format.h"

namespace scope_migrate {

// Fills the fields written in the line (id, tenant, name, status, reason and the four
// lists); `out.line` is set to `number`. The derived lists are left to the caller.
void ParseKeyLineFields(const std::string& path, int number, const std::string& text,
                        PlanKeyLine& out);

}  // namespace scope_migrate
