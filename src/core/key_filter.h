// --tenant and --key: which keys a run covers. A key passes when its id is one of `ids`
// (or `ids` is empty) and its tenant is one of `tenants` (or `tenants` is empty); a key
// with no tenant never passes a tenant limit. An empty filter passes every key. The
// sources apply it when reading keys, and the plan reader when counting and visiting a
// plan's keys.
#pragma once

#include <string>
#include <vector>

namespace scope_migrate {

struct KeyFilter {
  std::vector<std::string> tenants;
  std::vector<std::string> ids;

  bool empty() const { return tenants.empty() && ids.empty(); }
  // `tenant` is null for a key with no tenant.
  bool Matches(const std::string& id, const std::string* tenant) const;
  // "--tenant acme --key 42" (tenants first, each as given), or "" when empty.
  std::string Describe() const;
};

}  // namespace scope_migrate
