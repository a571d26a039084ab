// The role-to-scope mapping (mappings/legacy-roles.yaml), validated against the catalog.
// Load() enforces every rule of SPEC section 4: scopes are catalog names or globs that
// match something, UPPER_SNAKE spellings are normalised, role names and aliases are
// unique after normalisation, a read-only role reaches no -write or privileged scope, no
// role is empty, unknown keys are errors, the cutoff is an RFC 3339 instant with offset.
// Any violation throws ToolError(65) as "FILE:LINE:COL: message"; a loaded Mapping is
// therefore always valid and immutable. A role may accept losing routes of the endpoint
// catalog (`loses:`, SPEC 12.1's static check); those are only parsed here (a route and a
// reason each) and checked against the catalog by core/role_routes.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/timestamps.h"
#include "core/catalog.h"

namespace scope_migrate {

// Trim, lower-case (ASCII), and each run of spaces, "_" and "-" becomes one "-".
// Nothing else is folded: "SUPERUSER" stays "superuser", not "super-user".
std::string NormalizeRoleName(const std::string& raw);

// A route a role loses on purpose: `loses: [{route: "GET /v1/tax/rules", reason: "…"}]`.
struct AcceptedLoss {
  std::string route;   // as written, a valid route ("GET /v1/tax/rules")
  std::string shape;   // its shape (core/endpoints.h RouteShape), what it is matched by
  std::string reason;  // required, non-empty
  int line = 0, column = 0;  // 1-based position of the entry in the mapping file
};

struct Role {
  std::string name;  // normalised key of the roles map
  std::string description;
  bool read_only = false;
  std::vector<std::string> aliases;  // as written
  std::vector<std::string> scopes;   // expanded, sorted, unique catalog names
  std::vector<AcceptedLoss> accepted_losses;  // `loses:`, file order, one per shape
};

class Mapping {
 public:
  static Mapping Load(const std::string& path);

  const Catalog& catalog() const { return catalog_; }
  const std::vector<Role>& roles() const { return roles_; }  // in file order
  const std::string& path() const { return path_; }
  const std::string& sha256() const { return sha256_; }
  Instant cutoff() const { return cutoff_; }

  // The role a raw role string names (after normalisation), or nullptr.
  const Role* Find(const std::string& raw_role) const;

 private:
  class Loader;

  std::string path_;
  std::string sha256_;
  Catalog catalog_;
  Instant cutoff_ = 0;
  std::vector<Role> roles_;
  std::map<std::string, size_t> index_;  // normalised name or alias -> roles_ position
  // The names and aliases exactly as written, the spellings most role rows use: found
  // without normalising (the plan's hot path); anything else is normalised first.
  std::unordered_map<std::string, size_t> as_written_;
};

}  // namespace scope_migrate
