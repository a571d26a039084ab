#include "core/catalog.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "base/sha256.h"
#include "base/yaml_util.h"

namespace scope_migrate {

std::string NormalizeScopeName(const std::string& raw) {
  size_t begin = 0, end = raw.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(raw[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(raw[end - 1]))) --end;
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    const char c = raw[i];
    out.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool GlobMatch(const std::string& pattern, const std::string& text) {
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool IsScopeName(const std::string& name) {
  return !name.empty() && name.front() != '-' && name.back() != '-' &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
}

Catalog Catalog::Load(const std::string& path) {
  YamlFile file(path);
  Catalog catalog;
  catalog.path_ = path;
  catalog.sha256_ = Sha256OfFile(path);
  const YAML::Node& root = file.root();
  file.ExpectMap(root, "the catalog", {"version", "scopes"});
  if (!root["version"]) throw file.Error(root, "the catalog has no \"version\"");
  if (file.Int(root["version"], "version") != 1) {
    throw file.Error(root["version"], "unsupported catalog version (expected 1)");
  }
  const YAML::Node scopes = root["scopes"];
  if (!scopes || !scopes.IsSequence() || scopes.size() == 0) {
    throw file.Error(scopes ? scopes : root, "\"scopes\" must be a non-empty list");
  }
  std::set<std::string> seen;
  for (const auto& item : scopes) {
    file.ExpectMap(item, "a scope", {"name", "description", "privileged"});
    if (!item["name"]) throw file.Error(item, "a scope needs a \"name\"");
    Scope scope;
    scope.name = file.String(item["name"], "name");
    if (!IsScopeName(scope.name)) {
      throw file.Error(item["name"], "scope name \"" + scope.name +
                                         "\" must be lower-case words joined by \"-\"");
    }
    if (!seen.insert(scope.name).second) {
      throw file.Error(item["name"], "duplicate scope \"" + scope.name + "\"");
    }
    if (item["description"]) scope.description = file.String(item["description"], "description");
    if (item["privileged"]) scope.privileged = file.Bool(item["privileged"], "privileged");
    catalog.scopes_.push_back(std::move(scope));
  }
  std::sort(catalog.scopes_.begin(), catalog.scopes_.end(),
            [](const Scope& a, const Scope& b) { return a.name < b.name; });
  for (const Scope& scope : catalog.scopes_) {
    if (scope.privileged) catalog.privileged_.push_back(scope.name);
  }
  return catalog;
}

std::vector<std::string> Catalog::Names() const {
  std::vector<std::string> names;
  for (const Scope& scope : scopes_) names.push_back(scope.name);
  return names;
}

const Scope* Catalog::Find(const std::string& name) const {
  auto it = std::lower_bound(scopes_.begin(), scopes_.end(), name,
                             [](const Scope& s, const std::string& n) { return s.name < n; });
  return it != scopes_.end() && it->name == name ? &*it : nullptr;
}

bool Catalog::IsPrivileged(const std::string& name) const {
  // A handful of names: a linear scan beats a binary search over the whole catalog, and
  // the summary asks for every scope added (bench/README.md).
  return std::find(privileged_.begin(), privileged_.end(), name) != privileged_.end();
}

std::vector<std::string> Catalog::Expand(const std::string& pattern) const {
  std::vector<std::string> out;
  for (const Scope& scope : scopes_) {
    if (GlobMatch(pattern, scope.name)) out.push_back(scope.name);
  }
  return out;
}

}  // namespace scope_migrate
