#include "fingerprint.h"

#include <algorithm>

#include "sha256.h"

namespace scope_migrate {

std::string Fingerprint(bool revoked, std::vector<std::string> roles,
                        std::vector<std::string> scopes) {
  // Roles keep their duplicates (raw rows); scopes are a set. Each value is
  // length-prefixed so no choice of separator can make two keys collide.
  std::sort(roles.begin(), roles.end());
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  std::string canonical = revoked ? "v1 revoked\n" : "v1 active\n";
  for (const auto& role : roles) canonical += "r" + std::to_string(role.size()) + ":" + role;
  canonical += "\n";
  for (const auto& scope : scopes) canonical += "s" + std::to_string(scope.size()) + ":" + scope;
  return Sha256Hex(canonical).substr(0, 32);
}

}  // namespace scope_migrate
