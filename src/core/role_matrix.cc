#include "core/role_matrix.h"

#include <algorithm>

#include "base/text_escape.h"
#include "core/mapping.h"

namespace scope_migrate {
namespace {

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() > suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "tenant-management-write" -> "tenant-management"; "beta-preview" stays.
std::string ResourceOf(const std::string& scope) {
  for (const char* ending : {"-read", "-write"}) {
    if (EndsWith(scope, ending)) return scope.substr(0, scope.size() - std::string(ending).size());
  }
  return scope;
}

bool Has(const std::vector<std::string>& sorted, const std::string& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

// The cell of one role for one resource: which of its scopes the role grants.
std::string Cell(const RoleMatrix& m, const RoleMatrix::Role& role, const std::string& resource) {
  std::string cell;
  for (const auto& [ending, mark] :
       {std::pair<std::string, const char*>{"-read", "r"}, {"-write", "w"}}) {
    const std::string scope = resource + ending;
    if (!Has(role.scopes, scope)) continue;
    cell += Has(m.privileged, scope) ? "**" + std::string(mark) + "**" : mark;
  }
  if (cell.empty() && Has(role.scopes, resource)) {
    cell = Has(m.privileged, resource) ? "**x**" : "x";
  }
  return cell;
}

}  // namespace

RoleMatrix MakeRoleMatrix(const Mapping& mapping) {
  RoleMatrix m;
  for (const Scope& scope : mapping.catalog().scopes()) {
    m.scopes.push_back(scope.name);
    if (scope.privileged) m.privileged.push_back(scope.name);
  }
  for (const Role& role : mapping.roles())
    m.roles.push_back({role.name, role.read_only, role.scopes, role.aliases});
  return m;
}

void WriteRoleMatrixMarkdown(std::ostream& out, const RoleMatrix& m) {
  std::vector<std::string> resources;
  for (const auto& scope : m.scopes) {
    const std::string resource = ResourceOf(scope);
    if (std::find(resources.begin(), resources.end(), resource) == resources.end()) {
      resources.push_back(resource);
    }
  }
  out << "| resource |";
  for (const auto& role : m.roles) {
    out << " " << MarkdownCode(role.name) << (role.read_only ? " (read-only)" : "") << " |";
  }
  out << "\n|---|";
  for (size_t i = 0; i < m.roles.size(); ++i) out << ":---:|";
  out << "\n";
  for (const auto& resource : resources) {
    out << "| " << resource << " |";
    for (const auto& role : m.roles) out << " " << Cell(m, role, resource) << " |";
    out << "\n";
  }
  out << "\nr: the -read scope, w: the -write scope, x: the scope itself; **bold**: a privileged "
         "scope.\n";
}

}  // namespace scope_migrate
