#include "core/endpoints.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "base/sha256.h"
#include "base/yaml_util.h"
#include "core/mapping.h"

namespace scope_migrate {
namespace {

constexpr const char* kMethodNames[kHttpMethodCount] = {"GET",   "HEAD",   "POST",   "PUT",
                                                         "PATCH", "DELETE", "OPTIONS"};

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

bool IsParameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Reads an endpoints file (version 1) into endpoints, one entry at a time.
class EndpointsLoader {
 public:
  EndpointsLoader(const YamlFile& file, const Mapping* mapping) : file_(file), mapping_(mapping) {}

  EndpointCatalog Load() {
    const YAML::Node& root = file_.root();
    file_.ExpectMap(root, "the endpoints file", {"version", "catalog", "endpoints"});
    ReadVersion(root);
    Catalog catalog = ReadCatalog(root);
    catalog_ = &catalog;
    const YAML::Node list = root["endpoints"];
    if (!list) throw file_.Error(root, "the endpoints file has no \"endpoints\"");
    if (!list.IsSequence() || list.size() == 0) {
      throw file_.Error(list, "\"endpoints\" must be a non-empty list");
    }
    std::vector<Endpoint> endpoints;
    for (const YAML::Node& entry : list) endpoints.push_back(ReadEntry(entry));
    return EndpointCatalog(file_.path(), Sha256OfFile(file_.path()), std::move(catalog),
                           std::move(endpoints));
  }

 private:
  void ReadVersion(const YAML::Node& root) const {
    const YAML::Node node = root["version"];
    if (!node) throw file_.Error(root, "the endpoints file has no \"version\" (expected 1)");
    int version = 0;
    if (!YAML::convert<int>::decode(node, version) || version != 1) {
      throw file_.Error(node, "unsupported endpoints version \"" + node.Scalar() +
                                  "\" (expected 1)");
    }
  }

  Catalog ReadCatalog(const YAML::Node& root) const {
    std::string name = "scopes.yaml";
    const YAML::Node node = root["catalog"];
    if (node) name = file_.String(node, "catalog");
    const std::string path = name.rfind('/', 0) == 0 ? name : DirectoryOf(file_.path()) + name;
    if (!std::ifstream(path)) {
      throw file_.Error(node ? node : root, "catalog file \"" + path + "\" cannot be read");
    }
    return Catalog::Load(path);
  }

  Endpoint ReadEntry(const YAML::Node& entry) {
    file_.ExpectMap(entry, "an endpoint", {"route", "scopes", "roles", "public"});
    if (!entry["route"]) throw file_.Error(entry, "an endpoint has no \"route\"");
    const std::string text = file_.String(entry["route"], "route");
    std::string why;
    std::optional<Endpoint> endpoint = ParseRoute(text, &why);
    if (!endpoint) throw file_.Error(entry["route"], "route \"" + text + "\": " + why);
    endpoint->line = entry.Mark().line + 1;
    if (entry["public"]) endpoint->is_public = file_.Bool(entry["public"], "public");
    if (entry["scopes"]) endpoint->scopes = ReadScopes(entry["scopes"]);
    if (endpoint->is_public && !endpoint->scopes.empty()) {
      throw file_.Error(entry["scopes"], "route \"" + text + "\" is public and has scopes");
    }
    if (!endpoint->is_public && endpoint->scopes.empty()) {
      throw file_.Error(entry["scopes"] ? entry["scopes"] : entry,
                        "route \"" + text + "\" has no scopes (give them, or public: true)");
    }
    if (entry["roles"]) endpoint->roles = ReadRoles(entry["roles"]);
    const auto [at, fresh] = shapes_.emplace(RouteShape(*endpoint), endpoint->line);
    if (!fresh) {
      throw file_.Error(entry["route"], "route \"" + text + "\" has the same shape as the route "
                                            "at line " + std::to_string(at->second));
    }
    return std::move(*endpoint);
  }

  std::vector<ScopeEntry> ReadScopes(const YAML::Node& node) const {
    if (!node.IsSequence()) throw file_.Error(node, "\"scopes\" must be a list");
    std::vector<ScopeEntry> entries;
    for (const YAML::Node& item : node) {
      ScopeEntry entry;
      if (item.IsSequence()) {
        if (item.size() == 0) throw file_.Error(item, "an entry of \"scopes\" is an empty list");
        for (const YAML::Node& scope : item) entry.push_back(Scope(scope));
      } else {
        entry.push_back(Scope(item));
      }
      std::sort(entry.begin(), entry.end());
      entry.erase(std::unique(entry.begin(), entry.end()), entry.end());
      entries.push_back(std::move(entry));
    }
    return entries;
  }

  std::string Scope(const YAML::Node& node) const {
    const std::string raw = file_.String(node, "a scope");
    const std::string name = NormalizeScopeName(raw);
    if (catalog_->Find(name) == nullptr) {
      throw file_.Error(node, "scope \"" + raw + "\" is not in the catalog " + catalog_->path());
    }
    return name;
  }

  std::vector<std::string> ReadRoles(const YAML::Node& node) const {
    std::vector<std::string> roles;
    const std::vector<std::string> raw = file_.StringList(node, "roles");
    for (size_t i = 0; i < raw.size(); ++i) {
      if (mapping_ == nullptr) {
        roles.push_back(NormalizeRoleName(raw[i]));
        continue;
      }
      const Role* role = mapping_->Find(raw[i]);
      if (role == nullptr) {
        throw file_.Error(node[i], "role \"" + raw[i] + "\" is not a role of the mapping " +
                                       mapping_->path());
      }
      roles.push_back(role->name);
    }
    return roles;
  }

  const YamlFile& file_;
  const Mapping* mapping_;
  const Catalog* catalog_ = nullptr;
  std::map<std::string, int> shapes_;  // shape -> line
};

}  // namespace

const char* MethodName(HttpMethod method) { return kMethodNames[static_cast<int>(method)]; }

std::optional<HttpMethod> ParseHttpMethod(std::string_view text) {
  if (text.size() < 3 || text.size() > 7) return std::nullopt;
  char upper[8];
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    upper[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  const std::string_view name(upper, text.size());
  for (int i = 0; i < kHttpMethodCount; ++i) {
    if (name == kMethodNames[i]) return static_cast<HttpMethod>(i);
  }
  return std::nullopt;
}

std::string Endpoint::Route() const {
  std::string out = MethodName(method);
  out += ' ';
  if (segments.empty()) out += '/';
  for (const std::string& segment : segments) out += "/" + segment;
  return out;
}

bool Endpoint::AllowedBy(const std::vector<std::string>& held) const {
  if (is_public) return true;
  for (const ScopeEntry& entry : scopes) {
    if (std::includes(held.begin(), held.end(), entry.begin(), entry.end())) return true;
  }
  return false;
}

std::optional<Endpoint> ParseRoute(const std::string& text, std::string* why) {
  const size_t space = text.find(' ');
  if (space == std::string::npos) {
    *why = "must be \"METHOD /path\"";
    return std::nullopt;
  }
  const std::string method_text = text.substr(0, space);
  const auto method = ParseHttpMethod(method_text);
  if (!method || method_text != MethodName(*method)) {
    *why = "method \"" + method_text + "\" is not one of GET HEAD POST PUT PATCH DELETE OPTIONS";
    return std::nullopt;
  }
  const std::string path = text.substr(space + 1);
  if (path.empty() || path[0] != '/') {
    *why = "the path must start with \"/\"";
    return std::nullopt;
  }
  Endpoint endpoint;
  endpoint.method = *method;
  size_t begin = 1;
  while (begin <= path.size()) {
    const size_t end = std::min(path.find('/', begin), path.size());
    const std::string segment = path.substr(begin, end - begin);
    begin = end + 1;
    if (segment.empty()) {
      if (end == path.size() && path.size() == 1) break;  // "/" alone
      *why = "the path has an empty segment";
      return std::nullopt;
    }
    if (segment.find_first_of("?# \t") != std::string::npos) {
      *why = "segment \"" + segment + "\" holds a space, \"?\" or \"#\"";
      return std::nullopt;
    }
    const bool braces = segment.find_first_of("{}") != std::string::npos;
    if (braces && !IsParameter(segment)) {
      *why = "segment \"" + segment + "\" must be a literal or a whole {name}";
      return std::nullopt;
    }
    endpoint.segments.push_back(segment);
  }
  if (endpoint.segments.size() > kMaxRouteSegments) {
    *why = "the path has more than " + std::to_string(kMaxRouteSegments) + " segments";
    return std::nullopt;
  }
  return endpoint;
}

std::string RouteShape(const Endpoint& endpoint) {
  std::string out = MethodName(endpoint.method);
  out += ' ';
  for (const std::string& segment : endpoint.segments) {
    out += '/';
    out += IsParameter(segment) ? std::string("{}") : segment;
  }
  return out;
}

EndpointCatalog::EndpointCatalog(std::string path, std::string sha256, Catalog catalog,
                                 std::vector<Endpoint> endpoints)
    : path_(std::move(path)),
      sha256_(std::move(sha256)),
      catalog_(std::move(catalog)),
      endpoints_(std::move(endpoints)) {}

EndpointCatalog LoadEndpointsYaml(const YamlFile& file, const Mapping* mapping) {
  return EndpointsLoader(file, mapping).Load();
}

std::string EndpointsYaml(const EndpointCatalog& catalog, const std::string& catalog_name) {
  std::string out = "version: 1\ncatalog: " + catalog_name + "\nendpoints:\n";
  for (const Endpoint& endpoint : catalog.endpoints()) {
    out += "  - route: \"" + endpoint.Route() + "\"\n";
    if (endpoint.is_public) {
      out += "    public: true\n";
      continue;
    }
    out += "    scopes: [";
    for (size_t i = 0; i < endpoint.scopes.size(); ++i) {
      if (i > 0) out += ", ";
      const ScopeEntry& entry = endpoint.scopes[i];
      if (entry.size() == 1) {
        out += entry[0];
        continue;
      }
      out += "[";
      for (size_t j = 0; j < entry.size(); ++j) out += (j > 0 ? ", " : "") + entry[j];
      out += "]";
    }
    out += "]\n";
  }
  return out;
}

}  // namespace scope_migrate
