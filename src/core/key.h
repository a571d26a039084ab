// One API key as the tool sees it, whatever it came from (PostgreSQL or a fixture file):
// its id as text, tenant, creation instant (absent on some old keys), whether it is
// revoked, and its raw legacy roles and current scopes exactly as stored.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/timestamps.h"

namespace scope_migrate {

struct KeyRecord {
  std::string id;
  std::optional<std::string> tenant;
  std::optional<std::string> name;  // where the layout (or fixture) has one
  std::optional<Instant> created_at;
  bool revoked = false;
  std::vector<std::string> roles;   // raw, duplicates possible
  std::vector<std::string> scopes;  // current
  // Why the stored roles or scopes cannot be read (a column value that does not parse,
  // a role id with no name), or "": the decision blocks such a key with this reason.
  std::string unreadable;
};

}  // namespace scope_migrate
