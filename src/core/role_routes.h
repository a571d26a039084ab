// The mapping's equivalence proof against the endpoint catalog (SPEC 12.1, "Static check of
// the mapping"): for every legacy role, the routes it loses (the catalog's `roles:` says it
// could call them; its mapped scopes satisfy no entry of `scopes`) and gains (not listed
// as a caller; its scopes now satisfy an entry). Public routes and routes without `roles:`
// are compared for no role (who could call them before is not known) and only counted.
// Each role's lists hold write routes (POST, PUT, PATCH, DELETE) first, then the others,
// each part in catalog order. A loss the role accepts in the mapping (`loses:`) is marked
// accepted with its reason; an accepted loss that names no route of the catalog, or a
// route the role does not lose, is an error (65 at the mapping's FILE:LINE:COL): a stale
// acceptance must not hide a later, real loss. Pure: no I/O but the error's message.
#pragma once

#include <string>
#include <vector>

#include "core/endpoints.h"
#include "core/mapping.h"

namespace scope_migrate {

struct RouteChange {
  std::string route;                  // "GET /v1/invoices/{id}", as in the catalog
  bool write = false;                 // POST, PUT, PATCH or DELETE
  std::vector<ScopeEntry> allowed_by;  // the route's `scopes`, as in the catalog
  bool accepted = false;              // a loss the mapping accepts (`loses:`)
  std::string reason;                 // the acceptance's reason, when accepted
};

struct RoleRoutes {
  std::string role;  // the role's name in the mapping
  std::vector<RouteChange> loses, gains;
};

struct RouteComparison {
  std::vector<RoleRoutes> roles;  // every role of the mapping, in mapping order
  size_t routes = 0;              // routes of the catalog
  size_t compared = 0;            // routes with `roles:` (public ones excluded)
  size_t public_routes = 0;
  size_t lost = 0, accepted = 0, gained = 0;  // summed over roles

  // Whether a route is lost that the mapping does not accept (lint exits 8).
  bool Breaking() const { return lost > accepted; }
};

// Write routes change data: POST, PUT, PATCH, DELETE.
bool IsWriteMethod(HttpMethod method);

// The comparison over plain roles and endpoints (endpoints' `roles` hold role names as in
// `roles`). `mapping_path` names the file of the roles' accepted losses in errors.
RouteComparison CompareRoleRoutes(const std::vector<Role>& roles,
                                  const std::vector<Endpoint>& endpoints,
                                  const std::string& mapping_path, const std::string& catalog_path);

// The same for a loaded mapping and an endpoint catalog loaded against it.
RouteComparison CompareRoleRoutes(const Mapping& mapping, const EndpointCatalog& endpoints);

}  // namespace scope_migrate
