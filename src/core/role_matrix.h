// The role × scope matrix: the mapping as an auditor reviews it first, one row per
// resource (a scope name without its -read/-write ending) and one column per role, each
// cell "r", "w" or "rw" (or "x" for a scope that is neither), privileged scopes in bold.
// `lint --format markdown` draws it from the mapping; a plan carries the same table in
// its header, so the plan's Markdown (and `show` of a saved plan) draws it without the
// mapping file.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace scope_migrate {

class Mapping;

struct RoleMatrix {
  struct Role {
    std::string name;  // normalised
    bool read_only = false;
    std::vector<std::string> scopes;   // sorted
    std::vector<std::string> aliases;  // as written in the mapping
  };
  std::vector<std::string> scopes;      // the catalog's, sorted
  std::vector<std::string> privileged;  // sorted
  std::vector<Role> roles;              // in mapping order

  bool empty() const { return roles.empty(); }
};

RoleMatrix MakeRoleMatrix(const Mapping& mapping);

// The matrix as a GitHub-flavoured Markdown table followed by a one-line legend.
void WriteRoleMatrixMarkdown(std::ostream& out, const RoleMatrix& matrix);

}  // namespace scope_migrate
