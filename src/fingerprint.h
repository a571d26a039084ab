// A key's fingerprint: a hash of its raw roles, its current scopes and whether it is
// revoked, independent of row order. The plan records it; apply recomputes it inside the
// writing transaction with the key locked, so any change since the plan is caught.
#pragma once

#include <string>
#include <vector>

namespace scope_migrate {

// 32 hex digits (the first 128 bits of a SHA-256 over a canonical encoding).
std::string Fingerprint(bool revoked, const std::vector<std::string>& roles,
                        const std::vector<std::string>& scopes);

}  // namespace scope_migrate
