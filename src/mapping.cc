#include "mapping.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "sha256.h"
#include "yaml_util.h"

namespace scope_migrate {
namespace {

bool IsSeparator(char c) { return c == ' ' || c == '_' || c == '-'; }

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

bool IsWriteOrPrivileged(const Catalog& catalog, const std::string& scope) {
  const std::string suffix = "-write";
  const bool write = scope.size() >= suffix.size() &&
                     scope.compare(scope.size() - suffix.size(), suffix.size(), suffix) == 0;
  return write || catalog.IsPrivileged(scope);
}

}  // namespace

std::string NormalizeRoleName(const std::string& raw) {
  size_t begin = 0, end = raw.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(raw[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(raw[end - 1]))) --end;
  std::string out;
  out.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    const char c = raw[i];
    if (IsSeparator(c)) {
      if (out.empty() || out.back() != '-') out.push_back('-');
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

Mapping Mapping::Load(const std::string& path) {
  YamlFile file(path);
  const YAML::Node& root = file.root();
  file.ExpectMap(root, "the mapping", {"version", "catalog", "cutoff", "roles"});

  Mapping mapping;
  mapping.path_ = path;
  mapping.sha256_ = Sha256OfFile(path);

  if (!root["version"]) throw file.Error(root, "the mapping has no \"version\" (expected 1)");
  int version = 0;
  if (!YAML::convert<int>::decode(root["version"], version) || version != 1) {
    throw file.Error(root["version"], "unsupported mapping version \"" + root["version"].Scalar() +
                                          "\" (expected 1)");
  }

  std::string catalog_name = "scopes.yaml";
  YAML::Node catalog_node = root["catalog"];
  if (catalog_node) catalog_name = file.String(catalog_node, "catalog");
  const std::string catalog_path =
      catalog_name.rfind('/', 0) == 0 ? catalog_name : DirectoryOf(path) + catalog_name;
  try {
    mapping.catalog_ = Catalog::Load(catalog_path);
  } catch (const ToolError& e) {
    if (std::string(e.what()).find(": cannot read file") == std::string::npos) throw;
    throw file.Error(catalog_node ? catalog_node : root,
                     "catalog file \"" + catalog_path + "\" cannot be read");
  }

  if (!root["cutoff"]) throw file.Error(root, "the mapping has no \"cutoff\"");
  const std::string cutoff_text = file.String(root["cutoff"], "cutoff");
  const auto cutoff = ParseRfc3339(cutoff_text);
  if (!cutoff) {
    throw file.Error(root["cutoff"], "cutoff \"" + cutoff_text +
                                         "\" is not an RFC 3339 instant with an offset "
                                         "(e.g. 2026-03-23T00:00:00+01:00)");
  }
  mapping.cutoff_ = *cutoff;

  const YAML::Node roles = root["roles"];
  if (!roles) throw file.Error(root, "the mapping has no \"roles\"");
  if (!roles.IsMap() || roles.size() == 0)
    throw file.Error(roles, "\"roles\" must be a non-empty map");

  for (const auto& entry : roles) {
    const YAML::Node& name_node = entry.first;
    const YAML::Node& body = entry.second;
    Role role;
    role.name = NormalizeRoleName(file.String(name_node, "a role name"));
    if (role.name.empty()) throw file.Error(name_node, "a role name is empty");
    const std::string what = "role \"" + name_node.Scalar() + "\"";
    file.ExpectMap(body, what, {"description", "aliases", "read-only", "scopes"});
    if (body["description"]) role.description = file.String(body["description"], "description");
    if (body["read-only"]) role.read_only = file.Bool(body["read-only"], "read-only");
    if (body["aliases"]) role.aliases = file.StringList(body["aliases"], "aliases");

    const YAML::Node scopes = body["scopes"];
    if (!scopes || scopes.IsNull() || (scopes.IsSequence() && scopes.size() == 0)) {
      throw file.Error(scopes && !scopes.IsNull() ? scopes : name_node, what + " has no scopes");
    }
    if (!scopes.IsSequence()) throw file.Error(scopes, "scopes of " + what + " must be a list");
    std::set<std::string> expanded;
    for (const auto& item : scopes) {
      const std::string raw = file.String(item, "a scope");
      const std::string pattern = NormalizeScopeName(raw);
      if (pattern.find('*') != std::string::npos) {
        const auto matches = mapping.catalog_.Expand(pattern);
        if (matches.empty()) throw file.Error(item, "glob \"" + raw + "\" matches no scope");
        expanded.insert(matches.begin(), matches.end());
      } else if (mapping.catalog_.Find(pattern) == nullptr) {
        throw file.Error(item,
                         "unknown scope \"" + raw + "\" (not in " + mapping.catalog_.path() + ")");
      } else {
        expanded.insert(pattern);
      }
      if (role.read_only) {
        for (const auto& scope : expanded) {
          if (IsWriteOrPrivileged(mapping.catalog_, scope)) {
            throw file.Error(item,
                             "read-only " + what + " reaches the " +
                                 (mapping.catalog_.IsPrivileged(scope) ? "privileged" : "write") +
                                 " scope \"" + scope + "\"");
          }
        }
      }
    }
    role.scopes.assign(expanded.begin(), expanded.end());

    const size_t position = mapping.roles_.size();
    // A role's own name and its aliases may coincide (an alias spelled as the portal
    // showed the role); the same name on two different roles is an error.
    auto claim = [&](const std::string& normalised, const YAML::Node& at) {
      if (normalised.empty()) throw file.Error(at, "an alias of " + what + " is empty");
      auto [it, inserted] = mapping.index_.emplace(normalised, position);
      if (!inserted && it->second != position) {
        throw file.Error(at, "\"" + at.Scalar() + "\" normalises to \"" + normalised +
                                 "\", already used by role \"" + mapping.roles_[it->second].name +
                                 "\"");
      }
    };
    claim(role.name, name_node);
    if (body["aliases"]) {
      for (const auto& alias : body["aliases"]) claim(NormalizeRoleName(alias.Scalar()), alias);
    }
    mapping.roles_.push_back(std::move(role));
  }
  return mapping;
}

const Role* Mapping::Find(const std::string& raw_role) const {
  auto it = index_.find(NormalizeRoleName(raw_role));
  return it == index_.end() ? nullptr : &roles_[it->second];
}

}  // namespace scope_migrate
