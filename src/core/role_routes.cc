#include "core/role_routes.h"

#include <algorithm>
#include <map>

#include "base/errors.h"

namespace scope_migrate {
namespace {

bool Lists(const Endpoint& endpoint, const std::string& role) {
  return std::find(endpoint.roles.begin(), endpoint.roles.end(), role) != endpoint.roles.end();
}

RouteChange ChangeOf(const Endpoint& endpoint) {
  return RouteChange{endpoint.Route(), IsWriteMethod(endpoint.method), endpoint.scopes, false, ""};
}

// Write routes first; stable, so catalog order within each part.
void WriteFirst(std::vector<RouteChange>& changes) {
  std::stable_partition(changes.begin(), changes.end(),
                        [](const RouteChange& change) { return change.write; });
}

// Marks the losses `role` accepts; an acceptance that matches no lost route is an error.
void Accept(const Role& role, const std::map<std::string, const Endpoint*>& by_shape,
            const std::map<std::string, size_t>& lost_by_shape, RoleRoutes& out,
            const std::string& mapping_path, const std::string& catalog_path) {
  for (const AcceptedLoss& loss : role.accepted_losses) {
    const auto endpoint = by_shape.find(loss.shape);
    if (endpoint == by_shape.end()) {
      throw InputError(mapping_path, loss.line, loss.column,
                       "role \"" + role.name + "\" accepts losing \"" + loss.route +
                           "\", which is not a route of " + catalog_path);
    }
    const auto lost = lost_by_shape.find(loss.shape);
    if (lost == lost_by_shape.end()) {
      const bool listed = Lists(*endpoint->second, role.name);
      throw InputError(mapping_path, loss.line, loss.column,
                       "role \"" + role.name + "\" accepts losing \"" + loss.route +
                           "\", but does not lose it (" +
                           (listed ? "its scopes still allow it"
                                   : "the catalog does not list it among the route's roles") +
                           ")");
    }
    out.loses[lost->second].accepted = true;
    out.loses[lost->second].reason = loss.reason;
  }
}

RoleRoutes CompareRole(const Role& role, const std::vector<Endpoint>& endpoints,
                       const std::map<std::string, const Endpoint*>& by_shape,
                       const std::string& mapping_path, const std::string& catalog_path) {
  RoleRoutes out{role.name, {}, {}};
  std::map<std::string, size_t> lost_by_shape;
  for (const Endpoint& endpoint : endpoints) {
    if (endpoint.is_public || endpoint.roles.empty()) continue;
    const bool before = Lists(endpoint, role.name);
    const bool after = endpoint.AllowedBy(role.scopes);
    if (before && !after) {
      lost_by_shape.emplace(RouteShape(endpoint), out.loses.size());
      out.loses.push_back(ChangeOf(endpoint));
    } else if (!before && after) {
      out.gains.push_back(ChangeOf(endpoint));
    }
  }
  Accept(role, by_shape, lost_by_shape, out, mapping_path, catalog_path);
  WriteFirst(out.loses);
  WriteFirst(out.gains);
  return out;
}

}  // namespace

bool IsWriteMethod(HttpMethod method) {
  return method == HttpMethod::kPost || method == HttpMethod::kPut ||
         method == HttpMethod::kPatch || method == HttpMethod::kDelete;
}

RouteComparison CompareRoleRoutes(const std::vector<Role>& roles,
                                  const std::vector<Endpoint>& endpoints,
                                  const std::string& mapping_path,
                                  const std::string& catalog_path) {
  RouteComparison out;
  std::map<std::string, const Endpoint*> by_shape;
  for (const Endpoint& endpoint : endpoints) {
    by_shape.emplace(RouteShape(endpoint), &endpoint);
    ++out.routes;
    if (endpoint.is_public) {
      ++out.public_routes;
    } else if (!endpoint.roles.empty()) {
      ++out.compared;
    }
  }
  for (const Role& role : roles) {
    out.roles.push_back(CompareRole(role, endpoints, by_shape, mapping_path, catalog_path));
    const RoleRoutes& role_routes = out.roles.back();
    out.lost += role_routes.loses.size();
    out.gained += role_routes.gains.size();
    for (const RouteChange& change : role_routes.loses) out.accepted += change.accepted ? 1 : 0;
  }
  return out;
}

RouteComparison CompareRoleRoutes(const Mapping& mapping, const EndpointCatalog& endpoints) {
  return CompareRoleRoutes(mapping.roles(), endpoints.endpoints(), mapping.path(),
                           endpoints.path());
}

}  // namespace scope_migrate
