// The endpoint catalog (SPEC 12.1): which scopes each route of the API needs, loaded from
// an endpoints file (mappings/endpoints.yaml) or straight from the platform's OpenAPI 3
// document (core/openapi_endpoints.h). A route is a method and a path of literal segments
// and `{name}` parameters; its `scopes` are alternatives, each one scope or several needed
// together; a public route needs none. Load() enforces every rule of 12.1: a known
// method, a path starting with "/", no two routes of the same shape (method and sequence
// of literals and parameters), catalog scopes only, known roles (when a mapping is given),
// no empty `scopes` without `public`, no unknown YAML keys. Any violation throws
// ToolError(65) at FILE:LINE:COL; a loaded catalog is therefore always valid. Matching a
// logged call against it is core/route_matcher.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog.h"

namespace scope_migrate {

class Mapping;
class YamlFile;

enum class HttpMethod : uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };
inline constexpr int kHttpMethodCount = 7;

const char* MethodName(HttpMethod method);
// `text` upper-cased, if it is one of the seven methods; else nullopt.
std::optional<HttpMethod> ParseHttpMethod(std::string_view text);

// The most segments a route may have: matching backtracks at most once per segment.
inline constexpr size_t kMaxRouteSegments = 16;

// One entry of a route's `scopes`: the scopes needed together (sorted, unique).
using ScopeEntry = std::vector<std::string>;

struct Endpoint {
  HttpMethod method = HttpMethod::kGet;
  std::vector<std::string> segments;  // literals, and parameters as "{name}"
  std::vector<ScopeEntry> scopes;     // alternatives, in file order; empty when public
  std::vector<std::string> roles;     // normalised legacy role names, file order
  bool is_public = false;
  int line = 0;  // 1-based line of the entry in its file (0: built in memory)

  // "GET /v1/invoices/{id}": the method, a space, "/" and the segments joined by "/".
  std::string Route() const;
  // Whether `scopes` (sorted) hold every scope of one entry (or the route is public).
  bool AllowedBy(const std::vector<std::string>& scopes) const;
};

// "GET /v1/x/{id}" parsed into method and segments; nullopt with `why` set when not a
// route. Empty segments are refused here (a catalog spells each route once).
std::optional<Endpoint> ParseRoute(const std::string& text, std::string* why);

// The endpoints of one file, in file order, with the scope catalog they were checked
// against.
class EndpointCatalog {
 public:
  // An endpoints file or an OpenAPI 3 document (a top-level `openapi` key; defined in
  // openapi_endpoints.cc, which reads the second). With a mapping, every role an endpoint
  // names must be one of its roles (or aliases).
  static EndpointCatalog Load(const std::string& path, const Mapping* mapping);
  // From endpoints already built and checked by a reader (the OpenAPI one).
  EndpointCatalog(std::string path, std::string sha256, Catalog catalog,
                  std::vector<Endpoint> endpoints);
  EndpointCatalog() = default;

  const std::string& path() const { return path_; }
  const std::string& sha256() const { return sha256_; }  // of the file's bytes
  const Catalog& catalog() const { return catalog_; }
  const std::vector<Endpoint>& endpoints() const { return endpoints_; }

 private:
  std::string path_, sha256_;
  Catalog catalog_;
  std::vector<Endpoint> endpoints_;
};

// An endpoints file (SPEC 12.1's format) already read; EndpointCatalog::Load decides
// between it and an OpenAPI document.
EndpointCatalog LoadEndpointsYaml(const YamlFile& file, const Mapping* mapping);

// The shape of a route: "GET /v1/invoices/{}"; two routes of one shape are an error.
std::string RouteShape(const Endpoint& endpoint);

// The endpoints file text of `catalog` (version 1, `catalog:` naming `catalog_name`), as
// `endpoints --from-openapi` prints it: loading it back gives the same endpoints.
std::string EndpointsYaml(const EndpointCatalog& catalog, const std::string& catalog_name);

}  // namespace scope_migrate
