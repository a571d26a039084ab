// The endpoint catalog read straight from an OpenAPI 3 document (SPEC 12.1), so users feed
// the API reference they already publish. Each operation under `paths` becomes a route: its
// `security` requirements are the route's entries (alternatives; the scopes of all schemes
// inside one requirement are needed together); an operation without `security` takes the
// document's; `security: []`, no security at all, or a requirement that needs no scope make
// the route public. The path of the first `servers` URL ("https://api.example.com/v1" ->
// "/v1") is prefixed to every path. `trace` operations and the path items' other keys are
// ignored. A scope the catalog does not know, two operations of the same route shape, or a
// path that is not a route is ToolError(65) at FILE:LINE:COL.
#pragma once

#include "base/yaml_util.h"
#include "core/catalog.h"
#include "core/endpoints.h"

namespace scope_migrate {

// `file` holds an OpenAPI document (its root has `openapi`); scopes are checked against
// `catalog`, which must be given (65 at the document's `openapi` key when it is not).
EndpointCatalog LoadOpenApiEndpoints(const YamlFile& file, const Catalog* catalog);

// The path part of a servers URL: "https://h/v1/" -> "/v1", "/v1" -> "/v1", "https://h" -> "".
std::string ServerPathPrefix(const std::string& url);

}  // namespace scope_migrate
