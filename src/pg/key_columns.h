// How a key's roles and scopes are read in every storage shape (SPEC section 10.9): the
// SQL that yields them beside the keys table `k`, and the C++ that turns what it yields
// into lists. Shared by the plan (pg_key_source.h) and the write side (key_store.h), so
// both read a key the same way.
//
// The plan reads every legacy key at once (Reach::kAllKeys: each table of roles or scopes
// aggregated once and joined); the write side and a filtered plan read a few keys
// (Reach::kEachKey: a lookup per key through the indexes). Either way the select list
// yields four text fields, in this order:
//   roles       a text[] of the role values (a table; role names for role ids), or the
//               roles column's text (an array column through its JSON form);
//   unresolved  a role id with no name in the names table (ids shape), else NULL;
//   scopes      a text[] of the scope rows, or the scopes column's text (as roles);
//   scopes_raw  for an array scopes column when asked, the column's own text form (what
//               is recorded and restored); else NULL, and the stored text is `scopes`.
// A value that does not parse is not an error of the tool: ReadRoles/ReadScopes say why,
// and the key is blocked (plan) or has changed since (apply, rollback).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pg/layout_resolve.h"

namespace scope_migrate {

enum class Reach { kAllKeys, kEachKey };

struct KeyColumnsSql {
  std::string select;  // the four fields, comma-separated
  std::string joins;   // joined after "FROM <keys> k" ("" when every value is a column)
};

KeyColumnsSql RolesAndScopesSql(const ResolvedLayout& layout, Reach reach, bool raw_scopes);

// The objects read, for a message about a missing SELECT privilege.
std::string ReadObjects(const ResolvedLayout& layout);

// The roles of the fields above into `roles` (in stored order). Returns "" or why they
// cannot be read ("roles value does not parse: ...", "unknown role id \"7\"").
std::string ReadRoles(const ResolvedLayout& layout, const std::optional<std::string>& roles,
                      const std::optional<std::string>& unresolved, std::vector<std::string>& out);
// The same for the scopes ("scopes value does not parse: ...").
std::string ReadScopes(const ResolvedLayout& layout, const std::optional<std::string>& scopes,
                       std::vector<std::string>& out);

}  // namespace scope_migrate
