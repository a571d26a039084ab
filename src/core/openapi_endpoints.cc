#include "core/openapi_endpoints.h"

#include <algorithm>
#include <map>

#include "base/sha256.h"
#include "core/mapping.h"

namespace scope_migrate {
namespace {

class OpenApiReader {
 public:
  OpenApiReader(const YamlFile& file, const Catalog& catalog) : file_(file), catalog_(catalog) {}

  std::vector<Endpoint> Read() {
    const YAML::Node& root = file_.root();
    const std::string version = file_.String(root["openapi"], "openapi");
    if (version.rfind("3.", 0) != 0) {
      throw file_.Error(root["openapi"], "openapi \"" + version + "\" is not an OpenAPI 3 version");
    }
    prefix_ = ReadPrefix(root["servers"]);
    std::optional<Requirements> fallback;
    if (root["security"]) fallback = ReadSecurity(root["security"]);
    const YAML::Node paths = root["paths"];
    if (!paths || !paths.IsMap()) throw file_.Error(paths ? paths : root, "\"paths\" must be a map");
    std::vector<Endpoint> endpoints;
    for (const auto& item : paths) ReadPathItem(item.first, item.second, fallback, endpoints);
    if (endpoints.empty()) throw file_.Error(paths, "the document has no operation");
    return endpoints;
  }

 private:
  struct Requirements {
    bool is_public = false;
    std::vector<ScopeEntry> entries;
  };

  std::string ReadPrefix(const YAML::Node& servers) const {
    if (!servers) return "";
    if (!servers.IsSequence()) throw file_.Error(servers, "\"servers\" must be a list");
    if (servers.size() == 0) return "";
    const YAML::Node first = servers[0];
    if (!first.IsMap() || !first["url"]) throw file_.Error(first, "a server has no \"url\"");
    return ServerPathPrefix(file_.String(first["url"], "url"));
  }

  Requirements ReadSecurity(const YAML::Node& node) const {
    if (!node.IsSequence()) throw file_.Error(node, "\"security\" must be a list");
    Requirements out;
    if (node.size() == 0) out.is_public = true;
    for (const YAML::Node& requirement : node) {
      if (!requirement.IsMap()) throw file_.Error(requirement, "a security requirement must be a map");
      ScopeEntry entry;
      for (const auto& scheme : requirement) {
        if (!scheme.second.IsSequence()) {
          throw file_.Error(scheme.second, "the scopes of a security scheme must be a list");
        }
        for (const YAML::Node& scope : scheme.second) entry.push_back(Scope(scope));
      }
      if (entry.empty()) {
        out.is_public = true;  // a requirement that needs no scope: any key may call
        continue;
      }
      std::sort(entry.begin(), entry.end());
      entry.erase(std::unique(entry.begin(), entry.end()), entry.end());
      out.entries.push_back(std::move(entry));
    }
    if (out.is_public) out.entries.clear();
    return out;
  }

  std::string Scope(const YAML::Node& node) const {
    const std::string raw = file_.String(node, "a scope");
    const std::string name = NormalizeScopeName(raw);
    if (catalog_.Find(name) == nullptr) {
      throw file_.Error(node, "scope \"" + raw + "\" is not in the catalog " + catalog_.path());
    }
    return name;
  }

  void ReadPathItem(const YAML::Node& key, const YAML::Node& item,
                    const std::optional<Requirements>& fallback, std::vector<Endpoint>& out) {
    const std::string path = file_.String(key, "a path");
    if (!item.IsMap()) throw file_.Error(item, "path \"" + path + "\" must be a map");
    for (const auto& operation : item) {
      std::string method = file_.String(operation.first, "an operation");
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      if (!ParseHttpMethod(method) || !operation.second.IsMap()) continue;  // summary, trace, ...
      std::string why;
      std::optional<Endpoint> endpoint = ParseRoute(method + " " + prefix_ + path, &why);
      if (!endpoint) throw file_.Error(key, "path \"" + path + "\": " + why);
      endpoint->line = operation.first.Mark().line + 1;
      const YAML::Node security = operation.second["security"];
      const Requirements requirements =
          security ? ReadSecurity(security) : fallback.value_or(Requirements{true, {}});
      endpoint->is_public = requirements.is_public;
      endpoint->scopes = requirements.entries;
      const auto [at, fresh] = shapes_.emplace(RouteShape(*endpoint), endpoint->line);
      if (!fresh) {
        throw file_.Error(operation.first, endpoint->Route() + " has the same shape as the "
                                           "operation at line " + std::to_string(at->second));
      }
      out.push_back(std::move(*endpoint));
    }
  }

  const YamlFile& file_;
  const Catalog& catalog_;
  std::string prefix_;
  std::map<std::string, int> shapes_;
};

}  // namespace

std::string ServerPathPrefix(const std::string& url) {
  size_t start = 0;
  const size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    start = url.find('/', scheme + 3);
    if (start == std::string::npos) return "";
  }
  std::string path = url.substr(start);
  const size_t cut = path.find_first_of("?#");
  if (cut != std::string::npos) path.resize(cut);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (!path.empty() && path[0] != '/') path = "/" + path;
  return path;
}

EndpointCatalog LoadOpenApiEndpoints(const YamlFile& file, const Catalog* catalog) {
  if (catalog == nullptr) {
    throw file.Error(file.root()["openapi"],
                     "an OpenAPI document names no scope catalog: give --mapping (its catalog "
                     "checks the document's scopes)");
  }
  std::vector<Endpoint> endpoints = OpenApiReader(file, *catalog).Read();
  return EndpointCatalog(file.path(), Sha256OfFile(file.path()), *catalog, std::move(endpoints));
}

// The one place that knows both formats: an OpenAPI document has a top-level `openapi` key.
EndpointCatalog EndpointCatalog::Load(const std::string& path, const Mapping* mapping) {
  const YamlFile file(path);
  if (file.root().IsMap() && file.root()["openapi"]) {
    return LoadOpenApiEndpoints(file, mapping != nullptr ? &mapping->catalog() : nullptr);
  }
  return LoadEndpointsYaml(file, mapping);
}

}  // namespace scope_migrate
