// The report of `lint --mapping M --endpoints E` (SPEC 12.1's static check): per legacy
// role, the routes it loses and gains under the mapping (core/role_routes.h), in text for
// people and JSON Lines for machines (a `role` record per role, a `route` record per lost
// or gained route, then the `summary`; see docs/replay.md). Every role is listed, also
// those that neither lose nor gain, so the report is the proof for every role. Pure
// formatting of a RouteComparison.
#pragma once

#include <ostream>
#include <string>

#include "core/role_routes.h"

namespace scope_migrate {

struct RoleRoutesInfo {
  std::string mapping;    // the mapping's path
  std::string endpoints;  // the endpoint catalog's path
};

void WriteRoleRoutesText(const RouteComparison& comparison, const RoleRoutesInfo& info,
                         std::ostream& out);
void WriteRoleRoutesJsonl(const RouteComparison& comparison, const RoleRoutesInfo& info,
                          std::ostream& out);

}  // namespace scope_migrate
