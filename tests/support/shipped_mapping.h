// The mapping the project ships (mappings/legacy-roles.yaml with its catalog
// mappings/scopes.yaml) as the database-free tests use it: the two paths, one copy of the
// mapping loaded on first use and kept for the whole test binary (it is never changed),
// and the catalog's twelve read scopes, which "*-read" expands to.
#pragma once

#include <string>
#include <vector>

#include "core/mapping.h"

namespace scope_migrate::testing {

std::string ShippedMappingPath();
std::string ShippedCatalogPath();

// Throws what Mapping::Load throws if the shipped files do not load.
const Mapping& ShippedMapping();

// The catalog's -read scopes, sorted.
extern const std::vector<std::string> kReadScopes;

}  // namespace scope_migrate::testing
