#include "fingerprint.h"

#include <algorithm>

#include "sha256.h"

namespace scope_migrate {
namespace {

// Sorted (and for scopes de-duplicated) view of `values`, copying only when needed: the
// key sources already deliver sorted lists.
const std::vector<std::string>& Sorted(const std::vector<std::string>& values,
                                       std::vector<std::string>& storage, bool unique) {
  const bool sorted = unique ? std::adjacent_find(values.begin(), values.end(),
                                                  [](const auto& a, const auto& b) {
                                                    return !(a < b);
                                                  }) == values.end()
                             : std::is_sorted(values.begin(), values.end());
  if (sorted) return values;
  storage = values;
  std::sort(storage.begin(), storage.end());
  if (unique) storage.erase(std::unique(storage.begin(), storage.end()), storage.end());
  return storage;
}

void AppendField(std::string& out, char tag, const std::string& value) {
  out.push_back(tag);
  out += std::to_string(value.size());
  out.push_back(':');
  out += value;
}

}  // namespace

std::string Fingerprint(bool revoked, const std::vector<std::string>& roles,
                        const std::vector<std::string>& scopes) {
  // Roles keep their duplicates (raw rows); scopes are a set. Each value is
  // length-prefixed so no choice of separator can make two keys collide.
  thread_local std::vector<std::string> role_storage, scope_storage;
  thread_local std::string canonical;
  thread_local Sha256 hasher;
  canonical.assign(revoked ? "v1 revoked\n" : "v1 active\n");
  for (const auto& role : Sorted(roles, role_storage, false)) AppendField(canonical, 'r', role);
  canonical.push_back('\n');
  for (const auto& scope : Sorted(scopes, scope_storage, true)) AppendField(canonical, 's', scope);
  hasher.Update(canonical);
  return hasher.HexDigest().substr(0, 32);
}

}  // namespace scope_migrate
