#include "core/route_matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scope_migrate {
namespace {

std::vector<Endpoint> Routes(const std::vector<std::string>& routes) {
  std::vector<Endpoint> out;
  for (const std::string& route : routes) {
    std::string why;
    out.push_back(*ParseRoute(route, &why));
    out.back().is_public = true;
  }
  return out;
}

const std::vector<Endpoint> kRoutes = Routes({
    "GET /v1/invoices",              // 0
    "GET /v1/invoices/{id}",         // 1
    "GET /v1/invoices/summary",      // 2
    "GET /v1/{area}/summary/{id}",   // 3
    "GET /v1/invoices/{id}/pdf",     // 4
    "POST /v1/invoices",             // 5
    "GET /",                         // 6
    "HEAD /v1/health",               // 7
    "GET /v1/health",                // 8
    "GET /v1/reports/{id}/file",     // 9
    "GET /v1/{area}/{id}/file",      // 10
});

struct MatchCase {
  const char* method;
  const char* path;
  int expected;
};

class RouteMatcherTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(RouteMatcherTest, Matches) {
  const RouteMatcher matcher(kRoutes);
  const MatchCase& c = GetParam();
  EXPECT_EQ(matcher.Match(c.method, c.path), c.expected) << c.method << " " << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RouteMatcherTest,
    ::testing::Values(
        MatchCase{"GET", "/v1/invoices", 0}, MatchCase{"get", "/v1/invoices", 0},
        MatchCase{"GET", "/v1/invoices/", 0},             // trailing slash
        MatchCase{"GET", "//v1//invoices", 0},            // doubled slashes
        MatchCase{"GET", "/v1/invoices?page=2", 0},       // query cut
        MatchCase{"GET", "/v1/invoices#top", 0},          // fragment cut
        MatchCase{"GET", "/v1/invoices/42", 1},           // parameter
        MatchCase{"GET", "/v1/invoices/summary", 2},      // literal beats parameter
        MatchCase{"GET", "/v1/invoices/summary/7", 3},    // literal branch has none: backtrack
        MatchCase{"GET", "/v1/Invoices", -1},             // case-sensitive literals
        MatchCase{"GET", "/v1/invoices/%34%32/pdf", 4},   // no percent-decoding: a segment
        MatchCase{"GET", "/v1/invoices/42/pdf/x", -1},    // longer than any route
        MatchCase{"POST", "/v1/invoices", 5}, MatchCase{"PUT", "/v1/invoices", -1},
        MatchCase{"FETCH", "/v1/invoices", -1},           // not a method
        MatchCase{"GET", "/", 6}, MatchCase{"GET", "", 6},
        MatchCase{"HEAD", "/v1/health", 7},               // a HEAD route of its own
        MatchCase{"HEAD", "/v1/invoices/42", 1},          // HEAD falls back to GET
        MatchCase{"HEAD", "/v1/nothing", -1},
        MatchCase{"GET", "/v1/reports/9/file", 9},        // first difference: literal wins
        MatchCase{"GET", "/v1/orders/9/file", 10},
        MatchCase{"GET", "/v1/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r", -1}));

TEST(PathWithoutQueryTest, CutsAtTheFirstQuestionMarkOrHash) {
  EXPECT_EQ(PathWithoutQuery("/a?b#c"), "/a");
  EXPECT_EQ(PathWithoutQuery("/a#b?c"), "/a");
  EXPECT_EQ(PathWithoutQuery("/a"), "/a");
}

}  // namespace
}  // namespace scope_migrate
