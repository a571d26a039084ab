#include "support/shipped_mapping.h"

#include "support/test_util.h"

namespace scope_migrate::testing {

std::string ShippedMappingPath() { return SourcePath("mappings/legacy-roles.yaml"); }
std::string ShippedCatalogPath() { return SourcePath("mappings/scopes.yaml"); }

const Mapping& ShippedMapping() {
  static const Mapping mapping = Mapping::Load(ShippedMappingPath());
  return mapping;
}

const std::vector<std::string> kReadScopes = {"access-management-read",
                                              "accounting-clearing-read",
                                              "accounting-management-read",
                                              "accounts-receivable-management-read",
                                              "contract-order-management-read",
                                              "customer-management-read",
                                              "document-management-read",
                                              "draft-document-management-read",
                                              "product-management-read",
                                              "report-management-read",
                                              "tax-management-read",
                                              "tenant-management-read"};

}  // namespace scope_migrate::testing
