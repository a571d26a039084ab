// The scope catalog: the scopes an API key can carry, loaded from mappings/scopes.yaml.
// It is the only list of scopes in the tool: mapping globs expand against it and every
// scope a mapping names must be in it. Loading fails with ToolError(65) at FILE:LINE:COL.
#pragma once

#include <string>
#include <vector>

namespace scope_migrate {

struct Scope {
  std::string name;
  std::string description;
  bool privileged = false;
};

// "ACCESS_MANAGEMENT_READ" and " Access-Management-Read " both become
// "access-management-read": trimmed, lower-cased, "_" read as "-".
std::string NormalizeScopeName(const std::string& raw);

// A scope's name as the catalog allows it: lower-case words of a-z and 0-9 joined by "-"
// (so a name is never markup or a control sequence wherever it is printed).
bool IsScopeName(const std::string& name);

class Catalog {
 public:
  static Catalog Load(const std::string& path);

  const std::vector<Scope>& scopes() const { return scopes_; }  // sorted by name
  std::vector<std::string> Names() const;                       // sorted
  const std::string& sha256() const { return sha256_; }
  const std::string& path() const { return path_; }

  const Scope* Find(const std::string& name) const;
  bool IsPrivileged(const std::string& name) const;
  // Names matching `pattern`, where "*" matches any run of characters; sorted.
  std::vector<std::string> Expand(const std::string& pattern) const;

 private:
  std::string path_;
  std::string sha256_;
  std::vector<Scope> scopes_;
  std::vector<std::string> privileged_;  // the few privileged names, for IsPrivileged
};

bool GlobMatch(const std::string& pattern, const std::string& text);

}  // namespace scope_migrate
