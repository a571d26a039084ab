#include "plan/role_routes_report.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace scope_migrate {
namespace {

RouteComparison Sample(bool accept_all) {
  RouteComparison c;
  c.routes = 4;
  c.compared = 2;
  c.public_routes = 1;
  RoleRoutes clerk{"clerk", {}, {}};
  clerk.loses.push_back(
      RouteChange{"POST /v1/orders", true, {{"customer-read", "order-write"}}, accept_all,
                  accept_all ? "OPS-9: \"orders\" move to sales" : ""});
  clerk.loses.push_back(RouteChange{"GET /v1/reports", false, {{"report-read"}}, true, "OPS-8"});
  RoleRoutes boss{"boss", {}, {}};
  boss.gains.push_back(
      RouteChange{"GET /v1/orders/{id}", false, {{"order-read"}, {"order-write"}}, false, ""});
  c.roles = {clerk, boss};
  c.lost = 2;
  c.accepted = accept_all ? 2 : 1;
  c.gained = 1;
  return c;
}

const RoleRoutesInfo kInfo{"m.yaml", "e.yaml"};

TEST(RoleRoutesReportTest, TextListsEveryRoleAndTheResult) {
  std::ostringstream out;
  WriteRoleRoutesText(Sample(false), kInfo, out);
  EXPECT_EQ(out.str(),
            "mapping m.yaml against endpoints e.yaml: 4 routes, 2 with roles compared (1 public, "
            "1 without roles), 2 roles\n"
            "\n"
            "role clerk: loses 2 routes (1 accepted), gains nothing\n"
            "  loses  write POST /v1/orders  (allowed by [customer-read, order-write])\n"
            "  loses  read  GET /v1/reports  (allowed by report-read)  accepted: OPS-8\n"
            "role boss: loses nothing, gains 1 route\n"
            "  gains  read  GET /v1/orders/{id}  (allowed by order-read, order-write)\n"
            "\n"
            "summary: 2 routes lost (1 accepted by the mapping), 1 route gained\n"
            "result: 1 route lost that the mapping does not accept (give the role a scope that "
            "allows it, or accept the loss under the role's `loses:` with a reason)\n");
}

TEST(RoleRoutesReportTest, TextSaysSoWhenEveryLossIsAccepted) {
  std::ostringstream out;
  WriteRoleRoutesText(Sample(true), kInfo, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("  loses  write POST /v1/orders  (allowed by [customer-read, "
                      "order-write])  accepted: OPS-9: \"orders\" move to sales\n"),
            std::string::npos);
  EXPECT_NE(text.find("\nresult: no role loses a route the mapping does not accept\n"),
            std::string::npos);
}

TEST(RoleRoutesReportTest, JsonLinesHasARecordPerRoleAndRouteAndTheSummary) {
  std::ostringstream out;
  WriteRoleRoutesJsonl(Sample(true), kInfo, out);
  EXPECT_EQ(out.str(),
            "{\"type\":\"role\",\"role\":\"clerk\",\"loses\":2,\"accepted\":2,\"gains\":0}\n"
            "{\"type\":\"route\",\"role\":\"clerk\",\"change\":\"loses\",\"route\":\"POST "
            "/v1/orders\",\"write\":true,\"allowed_by\":[[\"customer-read\",\"order-write\"]],"
            "\"accepted\":true,\"reason\":\"OPS-9: \\\"orders\\\" move to sales\"}\n"
            "{\"type\":\"route\",\"role\":\"clerk\",\"change\":\"loses\",\"route\":\"GET "
            "/v1/reports\",\"write\":false,\"allowed_by\":[\"report-read\"],\"accepted\":true,"
            "\"reason\":\"OPS-8\"}\n"
            "{\"type\":\"role\",\"role\":\"boss\",\"loses\":0,\"accepted\":0,\"gains\":1}\n"
            "{\"type\":\"route\",\"role\":\"boss\",\"change\":\"gains\",\"route\":\"GET "
            "/v1/orders/{id}\",\"write\":false,\"allowed_by\":[\"order-read\",\"order-write\"],"
            "\"accepted\":false,\"reason\":null}\n"
            "{\"type\":\"summary\",\"mapping\":\"m.yaml\",\"endpoints\":\"e.yaml\",\"routes\":4,"
            "\"compared\":2,\"public\":1,\"roles\":2,\"lost\":2,\"accepted\":2,\"gained\":1,"
            "\"breaking\":false}\n");
}

}  // namespace
}  // namespace scope_migrate
