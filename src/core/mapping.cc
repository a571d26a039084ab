#include "core/mapping.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>

#include "base/did_you_mean.h"
#include "base/regular_file.h"
#include "base/sha256.h"
#include "base/yaml_util.h"
#include "core/endpoints.h"

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

// Reads one mapping file into a Mapping, one section at a time.
class Mapping::Loader {
 public:
  Loader(const std::string& path, Mapping& mapping) : file_(path), m_(mapping) {}

  void Load() {
    const YAML::Node& root = file_.root();
    file_.ExpectMap(root, "the mapping", {"version", "catalog", "cutoff", "roles"});
    m_.path_ = file_.path();
    m_.sha256_ = Sha256OfFile(file_.path());
    ReadVersion(root);
    ReadCatalog(root);
    ReadCutoff(root);
    const YAML::Node roles = root["roles"];
    if (!roles) throw file_.Error(root, "the mapping has no \"roles\"");
    if (!roles.IsMap() || roles.size() == 0) {
      throw file_.Error(roles, "\"roles\" must be a non-empty map");
    }
    for (const auto& entry : roles) ReadRole(entry.first, entry.second);
  }

 private:
  void ReadVersion(const YAML::Node& root) {
    if (!root["version"]) throw file_.Error(root, "the mapping has no \"version\" (expected 1)");
    int version = 0;
    if (!YAML::convert<int>::decode(root["version"], version) || version != 1) {
      throw file_.Error(root["version"], "unsupported mapping version \"" +
                                             root["version"].Scalar() + "\" (expected 1)");
    }
  }

  void ReadCatalog(const YAML::Node& root) {
    std::string name = "scopes.yaml";
    const YAML::Node node = root["catalog"];
    if (node) name = file_.String(node, "catalog");
    const std::string path = name.rfind('/', 0) == 0 ? name : DirectoryOf(file_.path()) + name;
    // A catalog that cannot be opened is the mapping's error, pointing at its `catalog:`
    // line; one that opens but is invalid reports its own position.
    if (!PathExists(path)) {
      throw file_.Error(node ? node : root, "catalog file \"" + path + "\" cannot be read");
    }
    m_.catalog_ = Catalog::Load(path);
  }

  void ReadCutoff(const YAML::Node& root) {
    if (!root["cutoff"]) throw file_.Error(root, "the mapping has no \"cutoff\"");
    const std::string text = file_.String(root["cutoff"], "cutoff");
    const auto cutoff = ParseRfc3339(text);
    if (!cutoff) {
      throw file_.Error(root["cutoff"],
                        "cutoff \"" + text + "\" " +
                            (OutsideYears(text) ? kOutsideYears
                                                : "is not an RFC 3339 instant with an offset "
                                                  "(e.g. 2026-03-23T00:00:00+01:00)"));
    }
    m_.cutoff_ = *cutoff;
  }

  void ReadRole(const YAML::Node& name_node, const YAML::Node& body) {
    Role role;
    role.name = NormalizeRoleName(file_.String(name_node, "a role name"));
    if (role.name.empty()) throw file_.Error(name_node, "a role name is empty");
    const std::string what = "role \"" + name_node.Scalar() + "\"";
    file_.ExpectMap(body, what, {"description", "aliases", "read-only", "scopes", "loses"});
    if (body["description"]) role.description = file_.String(body["description"], "description");
    if (body["read-only"]) role.read_only = file_.Bool(body["read-only"], "read-only");
    if (body["aliases"]) role.aliases = file_.StringList(body["aliases"], "aliases");
    role.scopes = ReadScopes(name_node, body["scopes"], what, role.read_only);
    if (body["loses"]) role.accepted_losses = ReadLosses(body["loses"], what);

    const size_t position = m_.roles_.size();
    Claim(role.name, name_node, position, what);
    m_.as_written_.emplace(name_node.Scalar(), position);
    if (body["aliases"]) {
      for (const auto& alias : body["aliases"]) {
        Claim(NormalizeRoleName(alias.Scalar()), alias, position, what);
        m_.as_written_.emplace(alias.Scalar(), position);
      }
    }
    m_.roles_.push_back(std::move(role));
  }

  std::vector<std::string> ReadScopes(const YAML::Node& name_node, const YAML::Node& scopes,
                                      const std::string& what, bool read_only) {
    if (!scopes || scopes.IsNull() || (scopes.IsSequence() && scopes.size() == 0)) {
      throw file_.Error(scopes && !scopes.IsNull() ? scopes : name_node, what + " has no scopes");
    }
    if (!scopes.IsSequence()) throw file_.Error(scopes, "scopes of " + what + " must be a list");
    std::set<std::string> expanded;
    for (const auto& item : scopes) {
      Expand(item, expanded);
      if (read_only) CheckReadOnly(item, expanded, what);
    }
    return {expanded.begin(), expanded.end()};
  }

  // `loses: [{route, reason}]`: each a valid route, with a reason, no shape twice.
  std::vector<AcceptedLoss> ReadLosses(const YAML::Node& list, const std::string& what) {
    if (!list.IsSequence()) throw file_.Error(list, "\"loses\" of " + what + " must be a list");
    std::vector<AcceptedLoss> losses;
    for (const YAML::Node& item : list) {
      file_.ExpectMap(item, "a loss of " + what, {"route", "reason"});
      if (!item["route"]) throw file_.Error(item, "a loss of " + what + " has no \"route\"");
      AcceptedLoss loss;
      loss.route = file_.String(item["route"], "route");
      std::string why;
      const auto endpoint = ParseRoute(loss.route, &why);
      if (!endpoint) throw file_.Error(item["route"], "route \"" + loss.route + "\": " + why);
      loss.shape = RouteShape(*endpoint);
      if (item["reason"]) loss.reason = file_.String(item["reason"], "reason");
      if (loss.reason.find_first_not_of(" \t") == std::string::npos) {
        throw file_.Error(item["reason"] ? item["reason"] : item,
                          "the loss of \"" + loss.route + "\" by " + what + " has no reason");
      }
      loss.line = item.Mark().line + 1;
      loss.column = item.Mark().column + 1;
      for (const AcceptedLoss& before : losses) {
        if (before.shape == loss.shape) {
          throw file_.Error(item["route"], what + " accepts losing \"" + loss.route +
                                               "\" twice (line " + std::to_string(before.line) +
                                               ")");
        }
      }
      losses.push_back(std::move(loss));
    }
    return losses;
  }

  void Expand(const YAML::Node& item, std::set<std::string>& expanded) {
    const std::string raw = file_.String(item, "a scope");
    const std::string pattern = NormalizeScopeName(raw);
    if (pattern.find('*') != std::string::npos) {
      const auto matches = m_.catalog_.Expand(pattern);
      if (matches.empty()) throw file_.Error(item, "glob \"" + raw + "\" matches no scope");
      expanded.insert(matches.begin(), matches.end());
    } else if (m_.catalog_.Find(pattern) == nullptr) {
      throw file_.Error(item, "unknown scope \"" + raw + "\" (not in " + m_.catalog_.path() + ")" +
                                  SuggestScope(pattern));
    } else {
      expanded.insert(pattern);
    }
  }

  // "; did you mean \"access-management-read\"?" when a catalog scope is close, else "".
  std::string SuggestScope(const std::string& typed) const {
    std::vector<std::string> names;
    for (const auto& scope : m_.catalog_.scopes()) names.push_back(scope.name);
    const auto near = DidYouMean(typed, names);
    return near ? "; did you mean \"" + *near + "\"?" : "";
  }

  void CheckReadOnly(const YAML::Node& item, const std::set<std::string>& expanded,
                     const std::string& what) {
    for (const auto& scope : expanded) {
      if (!IsWriteOrPrivileged(m_.catalog_, scope)) continue;
      throw file_.Error(item, "read-only " + what + " reaches the " +
                                  (m_.catalog_.IsPrivileged(scope) ? "privileged" : "write") +
                                  " scope \"" + scope + "\"");
    }
  }

  // A role's own name and its aliases may coincide (an alias spelled as the portal showed
  // the role); the same name on two different roles is an error.
  void Claim(const std::string& normalised, const YAML::Node& at, size_t position,
             const std::string& what) {
    if (normalised.empty()) throw file_.Error(at, "an alias of " + what + " is empty");
    auto [it, inserted] = m_.index_.emplace(normalised, position);
    if (!inserted && it->second != position) {
      throw file_.Error(at, "\"" + at.Scalar() + "\" normalises to \"" + normalised +
                                "\", already used by role \"" + m_.roles_[it->second].name + "\"");
    }
  }

  YamlFile file_;
  Mapping& m_;
};

Mapping Mapping::Load(const std::string& path) {
  Mapping mapping;
  Loader(path, mapping).Load();
  return mapping;
}

const Role* Mapping::Find(const std::string& raw_role) const {
  if (const auto exact = as_written_.find(raw_role); exact != as_written_.end()) {
    return &roles_[exact->second];
  }
  auto it = index_.find(NormalizeRoleName(raw_role));
  return it == index_.end() ? nullptr : &roles_[it->second];
}

}  // namespace scope_migrate
