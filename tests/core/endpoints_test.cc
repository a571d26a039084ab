#include "core/endpoints.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/errors.h"
#include "core/mapping.h"
#include "support/shipped_mapping.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

const char kHead[] =
    "version: 1\n"
    "endpoints:\n";

class EndpointsTest : public testing::TempDirTest {
 protected:
  void SetUp() override {
    WriteTemp("scopes.yaml", testing::ReadFile(testing::ShippedCatalogPath()));
  }
  std::string Write(const std::string& yaml) { return WriteTemp("endpoints.yaml", yaml); }
};

TEST_F(EndpointsTest, ShippedCatalogLoadsWithTheShippedMapping) {
  const EndpointCatalog catalog = EndpointCatalog::Load(
      testing::SourcePath("mappings/endpoints.yaml"), &testing::ShippedMapping());
  ASSERT_EQ(catalog.endpoints().size(), 61u);
  EXPECT_EQ(catalog.catalog().scopes().size(), 26u);
  const Endpoint& first = catalog.endpoints()[0];
  EXPECT_EQ(first.Route(), "GET /v1/health");
  EXPECT_TRUE(first.is_public);
  const Endpoint& invoice = catalog.endpoints()[3];
  EXPECT_EQ(invoice.Route(), "GET /v1/invoices/{id}");
  EXPECT_EQ(invoice.scopes, (std::vector<ScopeEntry>{{"document-management-read"},
                                                     {"document-management-write"}}));
  EXPECT_EQ(invoice.roles[0], "super-user");
  EXPECT_EQ(invoice.line, 18);
}

TEST_F(EndpointsTest, EntriesAreAlternativesAndListsAreAllOf) {
  const EndpointCatalog catalog = EndpointCatalog::Load(
      Write(std::string(kHead) +
            "  - route: \"POST /v1/orders\"\n"
            "    scopes: [[customer-management-read, contract-order-management-write], "
            "tenant-management-write]\n"),
      nullptr);
  const Endpoint& e = catalog.endpoints()[0];
  EXPECT_EQ(e.scopes, (std::vector<ScopeEntry>{
                          {"contract-order-management-write", "customer-management-read"},
                          {"tenant-management-write"}}));
  EXPECT_FALSE(e.AllowedBy({"contract-order-management-write"}));
  EXPECT_TRUE(e.AllowedBy({"contract-order-management-write", "customer-management-read"}));
  EXPECT_TRUE(e.AllowedBy({"tenant-management-write"}));
  EXPECT_FALSE(e.AllowedBy({}));
}

TEST(ParseHttpMethodTest, UpperCasesAndKnowsSeven) {
  EXPECT_EQ(ParseHttpMethod("get"), HttpMethod::kGet);
  EXPECT_EQ(ParseHttpMethod("Options"), HttpMethod::kOptions);
  EXPECT_EQ(ParseHttpMethod("DELETE"), HttpMethod::kDelete);
  EXPECT_EQ(ParseHttpMethod("TRACE"), std::nullopt);
  EXPECT_EQ(ParseHttpMethod("CONNECTX"), std::nullopt);
  EXPECT_EQ(ParseHttpMethod(""), std::nullopt);
}

class EndpointsErrorTest : public EndpointsTest,
                           public ::testing::WithParamInterface<testing::InputErrorCase> {};

TEST_P(EndpointsErrorTest, NamesTheLineAndColumn) {
  const testing::InputErrorCase& c = GetParam();
  const std::string path = Write(c.text);
  std::string message = c.message;
  for (const auto& [placeholder, value] :
       {std::pair<std::string, std::string>{"SCOPES", Dir() + "/scopes.yaml"},
        {"MAPPING", testing::ShippedMappingPath()}}) {
    const size_t at = message.find(placeholder);
    if (at != std::string::npos) message.replace(at, placeholder.size(), value);
  }
  testing::ExpectInputError([&] { EndpointCatalog::Load(path, &testing::ShippedMapping()); },
                            path, c.line, c.col, message);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, EndpointsErrorTest,
    ::testing::Values(
        testing::InputErrorCase{"SameShapeTwice",
                                std::string(kHead) +
                                    "  - route: \"GET /v1/a/{id}\"\n"
                                    "    scopes: [beta-preview]\n"
                                    "  - route: \"GET /v1/a/{name}\"\n"
                                    "    scopes: [beta-preview]\n",
                                5, 12,
                                "route \"GET /v1/a/{name}\" has the same shape as the route at "
                                "line 3"},
        testing::InputErrorCase{"UnknownScope",
                                std::string(kHead) +
                                    "  - route: \"GET /v1/a\"\n"
                                    "    scopes: [beta-previews]\n",
                                4, 14, "scope \"beta-previews\" is not in the catalog SCOPES"},
        testing::InputErrorCase{"UnknownRole",
                                std::string(kHead) +
                                    "  - route: \"GET /v1/a\"\n"
                                    "    scopes: [beta-preview]\n"
                                    "    roles: [auditor, boss]\n",
                                5, 22, "role \"boss\" is not a role of the mapping MAPPING"},
        testing::InputErrorCase{"EmptyScopesWithoutPublic",
                                std::string(kHead) +
                                    "  - route: \"GET /v1/a\"\n"
                                    "    scopes: []\n",
                                4, 13,
                                "route \"GET /v1/a\" has no scopes (give them, or public: true)"},
        testing::InputErrorCase{"NoScopesNoPublic",
                                std::string(kHead) + "  - route: \"GET /v1/a\"\n", 3, 5,
                                "route \"GET /v1/a\" has no scopes (give them, or public: true)"},
        testing::InputErrorCase{"PublicWithScopes",
                                std::string(kHead) +
                                    "  - route: \"GET /v1/a\"\n"
                                    "    public: true\n"
                                    "    scopes: [beta-preview]\n",
                                5, 13, "route \"GET /v1/a\" is public and has scopes"},
        testing::InputErrorCase{
            "UnknownKey",
            std::string(kHead) +
                "  - route: \"GET /v1/a\"\n"
                "    scope: [beta-preview]\n",
            4, 5,
            "unknown key \"scope\" in an endpoint (expected one of: route, scopes, roles, public)"},
        testing::InputErrorCase{"UnknownMethod",
                                std::string(kHead) +
                                    "  - route: \"FETCH /v1/a\"\n"
                                    "    public: true\n",
                                3, 12,
                                "route \"FETCH /v1/a\": method \"FETCH\" is not one of GET HEAD "
                                "POST PUT PATCH DELETE OPTIONS"},
        testing::InputErrorCase{"LowerCaseMethod",
                                std::string(kHead) +
                                    "  - route: \"get /v1/a\"\n"
                                    "    public: true\n",
                                3, 12,
                                "route \"get /v1/a\": method \"get\" is not one of GET HEAD "
                                "POST PUT PATCH DELETE OPTIONS"},
        testing::InputErrorCase{"PathWithoutSlash",
                                std::string(kHead) +
                                    "  - route: \"GET v1/a\"\n"
                                    "    public: true\n",
                                3, 12, "route \"GET v1/a\": the path must start with \"/\""},
        testing::InputErrorCase{"EmptySegment",
                                std::string(kHead) +
                                    "  - route: \"GET /v1//a\"\n"
                                    "    public: true\n",
                                3, 12, "route \"GET /v1//a\": the path has an empty segment"},
        testing::InputErrorCase{"HalfParameter",
                                std::string(kHead) +
                                    "  - route: \"GET /v1/a{id}\"\n"
                                    "    public: true\n",
                                3, 12,
                                "route \"GET /v1/a{id}\": segment \"a{id}\" must be a literal or "
                                "a whole {name}"},
        testing::InputErrorCase{"EmptyAllOfEntry",
                                std::string(kHead) +
                                    "  - route: \"GET /v1/a\"\n"
                                    "    scopes: [[]]\n",
                                4, 14, "an entry of \"scopes\" is an empty list"},
        testing::InputErrorCase{"NoEndpoints", "version: 1\nendpoints: []\n", 2, 12,
                                "\"endpoints\" must be a non-empty list"},
        testing::InputErrorCase{"WrongVersion",
                                "version: 2\nendpoints:\n  - route: \"GET /\"\n    public: true\n",
                                1, 10, "unsupported endpoints version \"2\" (expected 1)"}),
    testing::InputErrorCaseName);

}  // namespace
}  // namespace scope_migrate
