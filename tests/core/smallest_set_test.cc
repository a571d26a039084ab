#include "core/smallest_set.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/shipped_mapping.h"

namespace scope_migrate {
namespace {

using Needs = std::vector<std::vector<ScopeEntry>>;

struct SetCase {
  const char* name;
  Needs needs;
  std::vector<std::string> expected;
};

class SmallestSetTest : public ::testing::TestWithParam<SetCase> {};

TEST_P(SmallestSetTest, FindsTheSmallestWithTheTieBreaks) {
  const SmallestSet set = FindSmallestSet(GetParam().needs, testing::ShippedMapping().catalog());
  EXPECT_EQ(set.scopes, GetParam().expected);
  EXPECT_FALSE(set.approximate);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SmallestSetTest,
    ::testing::Values(
        SetCase{"Nothing", {}, {}},
        SetCase{"OneRouteOneScope", {{{"report-management-read"}}}, {"report-management-read"}},
        // One scope covering two routes beats two scopes.
        SetCase{"SharedScope",
                {{{"document-management-read"}, {"document-management-write"}},
                 {{"document-management-write"}}},
                {"document-management-write"}},
        // Same size: a read scope beats a write scope.
        SetCase{"FewerWrites",
                {{{"document-management-write"}, {"document-management-read"}}},
                {"document-management-read"}},
        // Same size: a non-privileged scope beats a privileged one, even a read over none.
        SetCase{"FewerPrivileged",
                {{{"tenant-management-write"}, {"tenant-management-read"}}},
                {"tenant-management-read"}},
        // Same size, same kinds: the first by catalog position.
        SetCase{"CatalogOrder",
                {{{"product-management-read"}, {"customer-management-read"}}},
                {"customer-management-read"}},
        // All-of entries count every scope in them.
        SetCase{"AllOf",
                {{{"contract-order-management-write", "customer-management-read"}},
                 {{"customer-management-read"}}},
                {"contract-order-management-write", "customer-management-read"}},
        SetCase{"AllOfVersusSingle",
                {{{"beta-preview", "report-management-read"}, {"report-management-write"}},
                 {{"report-management-read"}}},
                {"beta-preview", "report-management-read"}}),
    [](const ::testing::TestParamInfo<SetCase>& info) { return std::string(info.param.name); });

TEST(SmallestSetGreedyTest, OverTwentyScopesIsGreedyAndApproximate) {
  Needs needs;
  const auto names = testing::ShippedMapping().catalog().Names();
  for (size_t i = 0; i < 22; ++i) needs.push_back({{names[i]}});
  needs.push_back({{names[0]}, {names[1]}});
  const SmallestSet set = FindSmallestSet(needs, testing::ShippedMapping().catalog());
  EXPECT_TRUE(set.approximate);
  EXPECT_EQ(set.scopes, std::vector<std::string>(names.begin(), names.begin() + 22));
}

}  // namespace
}  // namespace scope_migrate
