#include "core/openapi_endpoints.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/errors.h"
#include "support/shipped_mapping.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

// The routes of a catalog as comparable text: route, public or its entries; sorted.
std::vector<std::string> Shapes(const EndpointCatalog& catalog) {
  std::vector<std::string> out;
  for (const Endpoint& e : catalog.endpoints()) {
    std::string line = e.Route() + (e.is_public ? " public" : "");
    for (const ScopeEntry& entry : e.scopes) {
      line += " [";
      for (const std::string& scope : entry) line += scope + " ";
      line += "]";
    }
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

class OpenApiTest : public testing::TempDirTest {
 protected:
  EndpointCatalog Load(const std::string& text) {
    return EndpointCatalog::Load(WriteTemp("api.yaml", text), &testing::ShippedMapping());
  }
};

TEST_F(OpenApiTest, TheSampleDocumentIsTheShippedCatalog) {
  const Mapping& mapping = testing::ShippedMapping();
  const EndpointCatalog from_openapi =
      EndpointCatalog::Load(testing::SourcePath("samples/openapi.yaml"), &mapping);
  const EndpointCatalog shipped =
      EndpointCatalog::Load(testing::SourcePath("mappings/endpoints.yaml"), &mapping);
  EXPECT_EQ(Shapes(from_openapi), Shapes(shipped));
  EXPECT_EQ(from_openapi.endpoints().size(), 61u);
}

TEST_F(OpenApiTest, SecurityRulesAndServerPrefix) {
  const EndpointCatalog catalog = Load(
      "openapi: 3.1.0\n"
      "servers:\n"
      "  - url: https://api.example.com/api/v2/\n"
      "  - url: https://other.example.com/x\n"
      "security:\n"
      "  - oauth: [beta-preview]\n"
      "paths:\n"
      "  /a/{id}:\n"
      "    summary: ignored\n"
      "    parameters: []\n"
      "    get: {}\n"
      "    post:\n"
      "      security: []\n"
      "    trace: {}\n"
      "  /b:\n"
      "    delete:\n"
      "      security:\n"
      "        - oauth: [report-management-read]\n"
      "          key: [tax-management-read]\n"
      "        - oauth: [access-management-read]\n"
      "    put:\n"
      "      security:\n"
      "        - {}\n"
      "        - oauth: [access-management-read]\n");
  EXPECT_EQ(Shapes(catalog),
            (std::vector<std::string>{
                "DELETE /api/v2/b [report-management-read tax-management-read ] "
                "[access-management-read ]",
                "GET /api/v2/a/{id} [beta-preview ]", "POST /api/v2/a/{id} public",
                "PUT /api/v2/b public"}));
  EXPECT_EQ(catalog.endpoints()[0].line, 11);
}

TEST_F(OpenApiTest, JsonDocumentsReadToo) {
  const EndpointCatalog catalog = Load(
      "{\"openapi\": \"3.0.0\", \"paths\": {\"/x\": {\"get\": {\"security\": "
      "[{\"oauth\": [\"beta-preview\"]}]}}}}\n");
  EXPECT_EQ(Shapes(catalog), (std::vector<std::string>{"GET /x [beta-preview ]"}));
}

TEST_F(OpenApiTest, NoSecurityAnywhereIsPublic) {
  EXPECT_EQ(Shapes(Load("openapi: 3.0.0\npaths:\n  /x:\n    get: {}\n")),
            (std::vector<std::string>{"GET /x public"}));
}

TEST_F(OpenApiTest, UnknownScopeIsAnErrorAtItsLine) {
  const std::string path = WriteTemp("api.yaml",
                                     "openapi: 3.0.0\n"
                                     "paths:\n"
                                     "  /x:\n"
                                     "    get:\n"
                                     "      security:\n"
                                     "        - oauth: [invoices:read]\n");
  testing::ExpectInputError(
      [&] { EndpointCatalog::Load(path, &testing::ShippedMapping()); }, path, 6, 19,
      "scope \"invoices:read\" is not in the catalog " + testing::ShippedCatalogPath());
}

TEST_F(OpenApiTest, SameShapeTwiceIsAnError) {
  const std::string path = WriteTemp("api.yaml",
                                     "openapi: 3.0.0\n"
                                     "paths:\n"
                                     "  /x/{a}:\n"
                                     "    get: {}\n"
                                     "  /x/{b}:\n"
                                     "    get: {}\n");
  testing::ExpectInputError([&] { EndpointCatalog::Load(path, &testing::ShippedMapping()); },
                            path, 6, 5,
                            "GET /x/{b} has the same shape as the operation at line 4");
}

TEST_F(OpenApiTest, NeedsACatalog) {
  const std::string path = WriteTemp("api.yaml", "openapi: 3.0.0\npaths: {}\n");
  testing::ExpectInputError([&] { EndpointCatalog::Load(path, nullptr); }, path, 1, 10,
                            "an OpenAPI document names no scope catalog: give --mapping (its "
                            "catalog checks the document's scopes)");
}

TEST(ServerPathPrefixTest, TakesThePathOfTheUrl) {
  EXPECT_EQ(ServerPathPrefix("https://api.example.com/v1"), "/v1");
  EXPECT_EQ(ServerPathPrefix("https://api.example.com/v1/"), "/v1");
  EXPECT_EQ(ServerPathPrefix("https://api.example.com"), "");
  EXPECT_EQ(ServerPathPrefix("/v1"), "/v1");
  EXPECT_EQ(ServerPathPrefix("/"), "");
  EXPECT_EQ(ServerPathPrefix("https://h/v1?x=1"), "/v1");
}

}  // namespace
}  // namespace scope_migrate
