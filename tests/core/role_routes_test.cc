#include "core/role_routes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/errors.h"

namespace scope_migrate {
namespace {

Endpoint Route(const std::string& text, std::vector<ScopeEntry> scopes,
               std::vector<std::string> roles) {
  std::string why;
  Endpoint endpoint = *ParseRoute(text, &why);
  endpoint.scopes = std::move(scopes);
  endpoint.is_public = endpoint.scopes.empty();
  endpoint.roles = std::move(roles);
  return endpoint;
}

Role MakeRole(const std::string& name, std::vector<std::string> scopes,
              std::vector<AcceptedLoss> losses = {}) {
  Role role;
  role.name = name;
  role.scopes = std::move(scopes);
  role.accepted_losses = std::move(losses);
  return role;
}

AcceptedLoss Loss(const std::string& route, int line) {
  std::string why;
  return AcceptedLoss{route, RouteShape(*ParseRoute(route, &why)), "on purpose", line, 5};
}

// The catalog every case runs against, in this order.
std::vector<Endpoint> Endpoints() {
  return {
      Route("GET /v1/reports", {{"report-read"}}, {"clerk", "boss"}),
      Route("POST /v1/reports", {{"report-write"}}, {"boss"}),
      Route("GET /v1/orders/{id}", {{"order-read"}, {"order-write"}}, {"clerk"}),
      Route("POST /v1/orders", {{"customer-read", "order-write"}}, {"clerk", "boss"}),
      Route("DELETE /v1/orders/{id}", {{"order-write"}}, {"boss"}),
      Route("GET /v1/health", {}, {}),                      // public: never compared
      Route("GET /v1/tax/rules", {{"tax-read"}}, {}),       // no roles: never compared
  };
}

// "role: lost routes | gained routes", each "route[*]" (* = accepted), in report order.
std::string Describe(const RouteComparison& comparison) {
  std::string out;
  for (const RoleRoutes& role : comparison.roles) {
    out += role.role + ":";
    for (const RouteChange& change : role.loses) {
      out += " -" + change.route + (change.accepted ? "*" : "");
    }
    for (const RouteChange& change : role.gains) out += " +" + change.route;
    out += ";";
  }
  return out;
}

struct RoleRoutesCase {
  const char* name;
  std::vector<Role> roles;
  std::string expected;
  size_t lost, accepted, gained;
  bool breaking;
};

TEST(RoleRoutesTest, ListsLossesAndGainsWriteRoutesFirst) {
  const std::vector<RoleRoutesCase> cases = {
      {"no loss; order-write also opens the boss's DELETE to the clerk",
       {MakeRole("clerk", {"customer-read", "order-write", "report-read"}),
        MakeRole("boss", {"customer-read", "order-write", "report-read", "report-write"})},
       "clerk: +DELETE /v1/orders/{id};boss: +GET /v1/orders/{id};",
       0, 0, 2, false},
      {"a loss; the write route before the read one",
       {MakeRole("clerk", {"order-read"}),
        MakeRole("boss", {"customer-read", "order-write", "report-read", "report-write"})},
       "clerk: -POST /v1/orders -GET /v1/reports;boss: +GET /v1/orders/{id};",
       2, 0, 1, true},
      {"an all-of entry needs every scope",
       {MakeRole("clerk", {"customer-read", "order-read", "report-read"}),
        MakeRole("boss", {"order-write", "report-read", "report-write"})},
       "clerk: -POST /v1/orders;boss: -POST /v1/orders +GET /v1/orders/{id};",
       2, 0, 1, true},
      {"gains: write first, then catalog order",
       {MakeRole("clerk", {"customer-read", "order-write", "report-read", "report-write"}),
        MakeRole("boss", {"customer-read", "order-write", "report-read", "report-write"})},
       "clerk: +POST /v1/reports +DELETE /v1/orders/{id};boss: +GET /v1/orders/{id};",
       0, 0, 3, false},
      {"every loss accepted (matched by shape, parameter names aside)",
       {MakeRole("clerk", {"order-read"},
                 {Loss("GET /v1/reports", 10), Loss("POST /v1/orders", 11)}),
        MakeRole("boss", {"customer-read", "order-write", "report-read", "report-write"})},
       "clerk: -POST /v1/orders* -GET /v1/reports*;boss: +GET /v1/orders/{id};",
       2, 2, 1, false},
      {"one of two losses accepted",
       {MakeRole("clerk", {"order-read"}, {Loss("GET /v1/reports", 10)}),
        MakeRole("boss", {"customer-read", "order-write", "report-read", "report-write"})},
       "clerk: -POST /v1/orders -GET /v1/reports*;boss: +GET /v1/orders/{id};",
       2, 1, 1, true},
      {"a role no route lists gains what its scopes allow",
       {MakeRole("clerk", {"customer-read", "order-write", "report-read"}),
        MakeRole("boss", {"customer-read", "order-write", "report-read", "report-write"}),
        MakeRole("intern", {"report-read", "tax-read"})},
       "clerk: +DELETE /v1/orders/{id};boss: +GET /v1/orders/{id};intern: +GET /v1/reports;",
       0, 0, 3, false},
  };
  const std::vector<Endpoint> endpoints = Endpoints();
  for (const RoleRoutesCase& c : cases) {
    SCOPED_TRACE(c.name);
    const RouteComparison comparison =
        CompareRoleRoutes(c.roles, endpoints, "m.yaml", "e.yaml");
    EXPECT_EQ(Describe(comparison), c.expected);
    EXPECT_EQ(comparison.lost, c.lost);
    EXPECT_EQ(comparison.accepted, c.accepted);
    EXPECT_EQ(comparison.gained, c.gained);
    EXPECT_EQ(comparison.Breaking(), c.breaking);
    EXPECT_EQ(comparison.routes, 7u);
    EXPECT_EQ(comparison.compared, 5u);
    EXPECT_EQ(comparison.public_routes, 1u);
  }
}

TEST(RoleRoutesTest, KeepsTheCatalogsEntriesAndTheReason) {
  const RouteComparison comparison = CompareRoleRoutes(
      {MakeRole("clerk", {"order-read"}, {Loss("GET /v1/reports", 3)})}, Endpoints(), "m.yaml",
      "e.yaml");
  ASSERT_EQ(comparison.roles.size(), 1u);
  ASSERT_EQ(comparison.roles[0].loses.size(), 2u);
  const RouteChange& write = comparison.roles[0].loses[0];
  EXPECT_EQ(write.route, "POST /v1/orders");
  EXPECT_TRUE(write.write);
  EXPECT_EQ(write.allowed_by, (std::vector<ScopeEntry>{{"customer-read", "order-write"}}));
  EXPECT_FALSE(write.accepted);
  EXPECT_EQ(write.reason, "");
  const RouteChange& read = comparison.roles[0].loses[1];
  EXPECT_FALSE(read.write);
  EXPECT_TRUE(read.accepted);
  EXPECT_EQ(read.reason, "on purpose");
}

TEST(RoleRoutesTest, RefusesAnAcceptanceThatMatchesNoLoss) {
  struct Case {
    const char* name;
    AcceptedLoss loss;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"not a route", Loss("GET /v1/nothing", 7),
       "m.yaml:7:5: role \"clerk\" accepts losing \"GET /v1/nothing\", which is not a route of "
       "e.yaml"},
      {"still allowed", Loss("GET /v1/orders/{order}", 8),
       "m.yaml:8:5: role \"clerk\" accepts losing \"GET /v1/orders/{order}\", but does not lose "
       "it (its scopes still allow it)"},
      {"never listed", Loss("DELETE /v1/orders/{id}", 9),
       "m.yaml:9:5: role \"clerk\" accepts losing \"DELETE /v1/orders/{id}\", but does not lose "
       "it (the catalog does not list it among the route's roles)"},
      {"public", Loss("GET /v1/health", 10),
       "m.yaml:10:5: role \"clerk\" accepts losing \"GET /v1/health\", but does not lose it (the "
       "catalog does not list it among the route's roles)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      CompareRoleRoutes({MakeRole("clerk", {"order-read"}, {c.loss})}, Endpoints(), "m.yaml",
                        "e.yaml");
      ADD_FAILURE() << "no error";
    } catch (const ToolError& e) {
      EXPECT_EQ(e.exit_code(), kExitInvalidInput);
      EXPECT_EQ(std::string(e.what()), c.message);
    }
  }
}

}  // namespace
}  // namespace scope_migrate
