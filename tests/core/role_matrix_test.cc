// The role × scope matrix (no database): what MakeRoleMatrix takes from a mapping and the
// exact Markdown table it is drawn as.
#include "core/role_matrix.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/shipped_mapping.h"

namespace scope_migrate {
namespace {

std::string Markdown(const RoleMatrix& matrix) {
  std::ostringstream out;
  WriteRoleMatrixMarkdown(out, matrix);
  return out.str();
}

TEST(RoleMatrixTest, TakesTheCatalogAndTheRolesOfTheMapping) {
  const Mapping& mapping = testing::ShippedMapping();
  const RoleMatrix matrix = MakeRoleMatrix(mapping);
  ASSERT_EQ(matrix.scopes.size(), 26u);
  EXPECT_EQ(matrix.scopes.front(), "access-management-read");
  EXPECT_EQ(matrix.privileged,
            (std::vector<std::string>{"access-management-write", "custom-payment-provider-write",
                                      "tenant-management-write"}));
  ASSERT_EQ(matrix.roles.size(), mapping.roles().size());
  for (size_t i = 0; i < matrix.roles.size(); ++i) {
    EXPECT_EQ(matrix.roles[i].name, mapping.roles()[i].name);
    EXPECT_EQ(matrix.roles[i].read_only, mapping.roles()[i].read_only);
    EXPECT_EQ(matrix.roles[i].scopes, mapping.roles()[i].scopes);
  }
  EXPECT_EQ(matrix.roles[2].name, "auditor");
  EXPECT_TRUE(matrix.roles[2].read_only);
  EXPECT_EQ(matrix.roles[2].scopes, testing::kReadScopes);
  EXPECT_FALSE(matrix.empty());
}

TEST(RoleMatrixTest, OneRowPerResourceWithReadWriteAndPrivilegedMarks) {
  RoleMatrix m;
  m.scopes = {"beta-preview", "danger", "invoices-read", "invoices-write", "tenant-read"};
  m.privileged = {"danger", "invoices-write"};
  m.roles = {{"admin", false, {"beta-preview", "danger", "invoices-read", "invoices-write"}, {}},
             {"auditor", true, {"invoices-read", "tenant-read"}, {}},
             {"a|b", false, {"invoices-write"}, {}}};
  EXPECT_EQ(Markdown(m),
            "| resource | `admin` | `auditor` (read-only) | `a\\|b` |\n"
            "|---|:---:|:---:|:---:|\n"
            "| beta-preview | x |  |  |\n"
            "| danger | **x** |  |  |\n"
            "| invoices | r**w** | r | **w** |\n"
            "| tenant |  | r |  |\n"
            "\n"
            "r: the -read scope, w: the -write scope, x: the scope itself; **bold**: a privileged "
            "scope.\n");
}

TEST(RoleMatrixTest, NoRolesIsEmptyAndDrawsOnlyTheResources) {
  RoleMatrix m;
  m.scopes = {"invoices-read", "invoices-write"};
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(Markdown(m),
            "| resource |\n"
            "|---|\n"
            "| invoices |\n"
            "\n"
            "r: the -read scope, w: the -write scope, x: the scope itself; **bold**: a privileged "
            "scope.\n");
}

}  // namespace
}  // namespace scope_migrate
