#include "core/mapping.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/timestamps.h"
#include "support/shipped_mapping.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

// The usual first lines of a test mapping; roles start on line 4.
const char kHead[] =
    "version: 1\n"
    "cutoff: \"2026-03-23T00:00:00+01:00\"\n"
    "roles:\n";

class MappingTest : public testing::TempDirTest {
 protected:
  static std::string ShippedPath() { return testing::ShippedMappingPath(); }

  void SetUp() override {
    catalog_path_ = WriteTemp("scopes.yaml", testing::ReadFile(testing::ShippedCatalogPath()));
  }

  void TearDown() override {
    testing::TempDirTest::TearDown();
    if (!other_dir_.empty()) std::filesystem::remove_all(other_dir_);
  }

  // Writes `yaml` as dir/mapping.yaml next to a copy of the shipped catalog.
  std::string WriteMapping(const std::string& yaml) { return WriteTemp("mapping.yaml", yaml); }

  // Mapping::Load(path) must throw ToolError(65) with exactly "path:line:col: message".
  void ExpectLoadError(const std::string& path, int line, int col, const std::string& message) {
    testing::ExpectInputError([&] { Mapping::Load(path); }, path, line, col, message);
  }

  std::string other_dir_;
  std::string catalog_path_;
};

// ---- the shipped mapping -------------------------------------------------------------------

TEST_F(MappingTest, ShippedMappingLoads) {
  const Mapping mapping = Mapping::Load(ShippedPath());
  EXPECT_EQ(mapping.path(), ShippedPath());
  EXPECT_EQ(mapping.sha256().size(), 64u);
  EXPECT_EQ(mapping.catalog().scopes().size(), 26u);
  EXPECT_EQ(mapping.catalog().path(), testing::ShippedCatalogPath());
  EXPECT_EQ(mapping.cutoff(), *ParseRfc3339("2026-03-22T23:00:00Z"));
  std::vector<std::string> names;
  for (const Role& role : mapping.roles()) names.push_back(role.name);
  EXPECT_EQ(names, (std::vector<std::string>{"super-user", "admin", "auditor",
                                             "order-manager-customer-support", "finance-manager",
                                             "ar-manager", "product-manager", "manage-users",
                                             "manage-api-credentials", "beta-preview"}));
}

TEST_F(MappingTest, FindSuperUserSpellings) {
  const Mapping mapping = Mapping::Load(ShippedPath());
  for (const char* raw :
       {"Super User", "super_user", "  SUPER   USER ", "super-user", "SUPER_-_USER"}) {
    const Role* role = mapping.Find(raw);
    ASSERT_NE(role, nullptr) << raw;
    EXPECT_EQ(role->name, "super-user") << raw;
  }
}

TEST_F(MappingTest, FindDoesNotFoldAwaySeparators) {
  const Mapping mapping = Mapping::Load(ShippedPath());
  EXPECT_EQ(mapping.Find("SUPERUSER"), nullptr);
  EXPECT_EQ(mapping.Find("superuser"), nullptr);
  EXPECT_EQ(mapping.Find("Super.User"), nullptr);
  EXPECT_EQ(mapping.Find(""), nullptr);
  EXPECT_EQ(mapping.Find("   "), nullptr);
  EXPECT_EQ(mapping.Find("Billing Clerk"), nullptr);
}

TEST_F(MappingTest, FindArManagerByBothAliases) {
  const Mapping mapping = Mapping::Load(ShippedPath());
  for (const char* raw : {"Accounts Receivable (AR) Manager", "AR Manager", "ar_manager"}) {
    const Role* role = mapping.Find(raw);
    ASSERT_NE(role, nullptr) << raw;
    EXPECT_EQ(role->name, "ar-manager") << raw;
  }
  EXPECT_EQ(mapping.Find("Accounts Receivable Manager"), nullptr);
}

TEST_F(MappingTest, FindOrderManagerCustomerSupport) {
  const Mapping mapping = Mapping::Load(ShippedPath());
  for (const char* raw : {"Order Manager & Customer Support", "order manager customer support"}) {
    const Role* role = mapping.Find(raw);
    ASSERT_NE(role, nullptr) << raw;
    EXPECT_EQ(role->name, "order-manager-customer-support") << raw;
  }
  EXPECT_EQ(mapping.Find("Order Manager and Customer Support"), nullptr);
}

TEST_F(MappingTest, AuditorIsReadOnlyWithTheTwelveReadScopes) {
  const Mapping mapping = Mapping::Load(ShippedPath());
  const Role* auditor = mapping.Find("Auditor");
  ASSERT_NE(auditor, nullptr);
  EXPECT_EQ(auditor->name, "auditor");
  EXPECT_TRUE(auditor->read_only);
  EXPECT_EQ(auditor->scopes, testing::kReadScopes);
  EXPECT_EQ(auditor->description, "Auditing; must not change anything.");
  EXPECT_EQ(auditor->aliases, std::vector<std::string>{"Auditor"});
}

TEST_F(MappingTest, SuperUserHasAll26Scopes) {
  const Mapping mapping = Mapping::Load(ShippedPath());
  const Role* role = mapping.Find("super-user");
  ASSERT_NE(role, nullptr);
  EXPECT_FALSE(role->read_only);
  ASSERT_EQ(role->scopes.size(), 26u);
  EXPECT_EQ(role->scopes, mapping.catalog().Expand("*"));
}

TEST_F(MappingTest, AdminHasExactlyTheFiveSpecScopes) {
  const Mapping mapping = Mapping::Load(ShippedPath());
  const Role* role = mapping.Find("Admin");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->scopes,
            (std::vector<std::string>{"access-management-read", "access-management-write",
                                      "custom-payment-provider-write", "tenant-management-read",
                                      "tenant-management-write"}));
  EXPECT_FALSE(role->read_only);
}

TEST_F(MappingTest, OnlyOneRoleIsReadOnlyAndOnlyAuditorHasNoWriteScope) {
  const Mapping mapping = Mapping::Load(ShippedPath());
  for (const Role& role : mapping.roles()) {
    EXPECT_EQ(role.read_only, role.name == "auditor") << role.name;
    EXPECT_FALSE(role.scopes.empty()) << role.name;
  }
}

TEST_F(MappingTest, NormalizeRoleName) {
  EXPECT_EQ(NormalizeRoleName("a _-  b"), "a-b");
  EXPECT_EQ(NormalizeRoleName("  Finance Manager  "), "finance-manager");
  EXPECT_EQ(NormalizeRoleName("FINANCE_MANAGER"), "finance-manager");
  EXPECT_EQ(NormalizeRoleName("MANAGE__API - credentials"), "manage-api-credentials");
  EXPECT_EQ(NormalizeRoleName("\tAdmin\n"), "admin");
  EXPECT_EQ(NormalizeRoleName("SUPERUSER"), "superuser");
  EXPECT_EQ(NormalizeRoleName("Order Manager & Customer Support"),
            "order-manager-&-customer-support");
  EXPECT_EQ(NormalizeRoleName("Accounts Receivable (AR) Manager"),
            "accounts-receivable-(ar)-manager");
  EXPECT_EQ(NormalizeRoleName("-admin-"), "-admin-");  // separators at the ends are kept as one "-"
  EXPECT_EQ(NormalizeRoleName(""), "");
  EXPECT_EQ(NormalizeRoleName("   "), "");
}

// ---- a small valid mapping -----------------------------------------------------------------

TEST_F(MappingTest, UpperSnakeScopeSpellingIsAcceptedAndNormalised) {
  const std::string path = WriteMapping(
      std::string(kHead) +
      "  reporter:\n"
      "    scopes: [REPORT_MANAGEMENT_READ, \" Tax_Management_Read \", \"*_WRITE\"]\n");
  const Mapping mapping = Mapping::Load(path);
  ASSERT_EQ(mapping.roles().size(), 1u);
  const Role& role = mapping.roles()[0];
  EXPECT_EQ(role.name, "reporter");
  std::vector<std::string> expected = mapping.catalog().Expand("*-write");
  expected.push_back("report-management-read");
  expected.push_back("tax-management-read");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(role.scopes, expected);
  EXPECT_EQ(mapping.catalog().path(), catalog_path_);  // default catalog: scopes.yaml next to it
}

TEST_F(MappingTest, DuplicateScopesAndOverlappingGlobsCollapse) {
  const std::string path =
      WriteMapping(std::string(kHead) +
                   "  Reader:\n"
                   "    aliases: [reader, READER]\n"
                   "    read-only: false\n"
                   "    scopes: [\"*-read\", tax-management-read, TAX_MANAGEMENT_READ]\n");
  const Mapping mapping = Mapping::Load(path);
  ASSERT_EQ(mapping.roles().size(), 1u);
  EXPECT_EQ(mapping.roles()[0].name, "reader");
  EXPECT_EQ(mapping.roles()[0].scopes, testing::kReadScopes);
  EXPECT_EQ(mapping.roles()[0].aliases, (std::vector<std::string>{"reader", "READER"}));
  EXPECT_EQ(mapping.Find("READER"), &mapping.roles()[0]);
}

TEST_F(MappingTest, AbsoluteCatalogPathIsUsedAsIs) {
  const std::string shipped_catalog = testing::ShippedCatalogPath();
  const std::string path = WriteMapping(
      "version: 1\n"
      "catalog: " +
      shipped_catalog +
      "\n"
      "cutoff: \"2026-03-23T00:00:00Z\"\n"
      "roles:\n"
      "  beta:\n"
      "    scopes: [beta-preview]\n");
  const Mapping mapping = Mapping::Load(path);
  EXPECT_EQ(mapping.catalog().path(), shipped_catalog);
  EXPECT_EQ(mapping.cutoff(), *ParseRfc3339("2026-03-23T00:00:00Z"));
}

TEST_F(MappingTest, ReadsTheLossesARoleAccepts) {
  const Mapping mapping = Mapping::Load(WriteMapping(
      std::string(kHead) + "  admin:\n"
                           "    scopes: [access-management-read]\n"
                           "    loses:\n"
                           "      - route: \"GET /v1/tax/rules/{id}\"\n"
                           "        reason: \"OPS-7: tax rules move to finance\"\n"
                           "      - {route: \"POST /v1/users\", reason: \"read-only now\"}\n"));
  const auto& losses = mapping.roles()[0].accepted_losses;
  ASSERT_EQ(losses.size(), 2u);
  EXPECT_EQ(losses[0].route, "GET /v1/tax/rules/{id}");
  EXPECT_EQ(losses[0].shape, "GET /v1/tax/rules/{}");
  EXPECT_EQ(losses[0].reason, "OPS-7: tax rules move to finance");
  EXPECT_EQ(losses[0].line, 7);
  EXPECT_EQ(losses[0].column, 9);
  EXPECT_EQ(losses[1].route, "POST /v1/users");
  EXPECT_EQ(losses[1].line, 9);
  EXPECT_EQ(losses[1].column, 9);
}

// ---- malformed mappings -------------------------------------------------------------------

// Each malformed mapping fails with exit 65 and exactly its message at line:col (a case
// whose message names a path of the test, or that needs more than one file, is a test of
// its own below).
class MappingErrorTest : public MappingTest,
                         public ::testing::WithParamInterface<testing::InputErrorCase> {};

TEST_P(MappingErrorTest, NamesTheLineAndColumn) {
  const testing::InputErrorCase& c = GetParam();
  ExpectLoadError(WriteMapping(c.text), c.line, c.col, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, MappingErrorTest,
    ::testing::Values(
        testing::InputErrorCase{
            "ErrorUnknownTopLevelKey",
            "version: 1\n"
            "cutoff: \"2026-03-23T00:00:00+01:00\"\n"
            "rolse:\n"
            "  admin:\n"
            "    scopes: [access-management-read]\n",
            3, 1,
            "unknown key \"rolse\" in the mapping (expected one of: version, catalog, "
            "cutoff, roles)"},
        testing::InputErrorCase{
            "ErrorUnknownKeyInsideARole",
            std::string(kHead) + "  admin:\n"
                                 "    scope: [access-management-read]\n",
            5, 5,
            "unknown key \"scope\" in role \"admin\" (expected one of: description, "
            "aliases, read-only, scopes, loses)"},
        testing::InputErrorCase{"ErrorLosesNotAList",
                                std::string(kHead) + "  admin:\n"
                                                     "    scopes: [access-management-read]\n"
                                                     "    loses: GET /v1/users\n",
                                6, 12, "\"loses\" of role \"admin\" must be a list"},
        testing::InputErrorCase{
            "ErrorLossWithoutRoute",
            std::string(kHead) + "  admin:\n"
                                 "    scopes: [access-management-read]\n"
                                 "    loses: [{reason: \"OPS-1\"}]\n",
            6, 13, "a loss of role \"admin\" has no \"route\""},
        testing::InputErrorCase{
            "ErrorLossOfABadRoute",
            std::string(kHead) + "  admin:\n"
                                 "    scopes: [access-management-read]\n"
                                 "    loses:\n"
                                 "      - {route: \"FETCH /v1/users\", reason: \"OPS-1\"}\n",
            7, 17,
            "route \"FETCH /v1/users\": method \"FETCH\" is not one of GET HEAD POST PUT PATCH "
            "DELETE OPTIONS"},
        testing::InputErrorCase{
            "ErrorLossWithoutReason",
            std::string(kHead) + "  admin:\n"
                                 "    scopes: [access-management-read]\n"
                                 "    loses:\n"
                                 "      - route: \"GET /v1/users\"\n",
            7, 9, "the loss of \"GET /v1/users\" by role \"admin\" has no reason"},
        testing::InputErrorCase{
            "ErrorLossWithAnEmptyReason",
            std::string(kHead) + "  admin:\n"
                                 "    scopes: [access-management-read]\n"
                                 "    loses:\n"
                                 "      - {route: \"GET /v1/users\", reason: \" \"}\n",
            7, 42, "the loss of \"GET /v1/users\" by role \"admin\" has no reason"},
        testing::InputErrorCase{
            "ErrorLossOfTheSameShapeTwice",
            std::string(kHead) + "  admin:\n"
                                 "    scopes: [access-management-read]\n"
                                 "    loses:\n"
                                 "      - {route: \"GET /v1/users/{id}\", reason: \"a\"}\n"
                                 "      - {route: \"GET /v1/users/{user}\", reason: \"b\"}\n",
            8, 17, "role \"admin\" accepts losing \"GET /v1/users/{user}\" twice (line 7)"},
        testing::InputErrorCase{
            "ErrorUnknownKeyInALoss",
            std::string(kHead) + "  admin:\n"
                                 "    scopes: [access-management-read]\n"
                                 "    loses:\n"
                                 "      - {route: \"GET /v1/users\", why: \"a\"}\n",
            7, 34,
            "unknown key \"why\" in a loss of role \"admin\" (expected one of: route, reason)"},
        testing::InputErrorCase{"ErrorGlobMatchingNothing",
                                std::string(kHead) + "  admin:\n"
                                                     "    scopes:\n"
                                                     "      - access-management-read\n"
                                                     "      - \"*-admin\"\n",
                                7, 9, "glob \"*-admin\" matches no scope"},
        testing::InputErrorCase{
            "ErrorReadOnlyRoleWithAWriteScope",
            std::string(kHead) + "  auditor:\n"
                                 "    read-only: true\n"
                                 "    scopes:\n"
                                 "      - tax-management-read\n"
                                 "      - tax-management-write\n",
            8, 9, "read-only role \"auditor\" reaches the write scope \"tax-management-write\""},
        // read-only is read before the scopes whatever the key order; the first offending scope in
        // sorted order is access-management-write, which is privileged.
        testing::InputErrorCase{
            "ErrorReadOnlyRoleWithAPrivilegedScopeViaStar",
            std::string(kHead) + "  auditor:\n"
                                 "    scopes: [\"*\"]\n"
                                 "    read-only: true\n",
            5, 14,
            "read-only role \"auditor\" reaches the privileged scope \"access-management-write\""},
        testing::InputErrorCase{"ErrorRoleWithEmptyScopesList",
                                std::string(kHead) + "  admin:\n"
                                                     "    scopes: []\n",
                                5, 13, "role \"admin\" has no scopes"},
        testing::InputErrorCase{"ErrorRoleWithNoScopesKey",
                                std::string(kHead) + "  beta:\n"
                                                     "    scopes: [beta-preview]\n"
                                                     "  admin:\n"
                                                     "    description: forgot the scopes\n",
                                6, 3, "role \"admin\" has no scopes"},
        testing::InputErrorCase{"ErrorRoleWithNullScopes",
                                std::string(kHead) + "  admin:\n"
                                                     "    scopes:\n",
                                4, 3, "role \"admin\" has no scopes"},
        testing::InputErrorCase{
            "ErrorTwoRolesNormaliseAlike",
            std::string(kHead) + "  Finance Manager:\n"
                                 "    scopes: [report-management-read]\n"
                                 "  finance_manager:\n"
                                 "    scopes: [report-management-write]\n",
            6, 3,
            "\"finance_manager\" normalises to \"finance-manager\", already used by role "
            "\"finance-manager\""},
        testing::InputErrorCase{
            "ErrorAliasClashesWithAnotherRole",
            std::string(kHead) + "  admin:\n"
                                 "    scopes: [access-management-read]\n"
                                 "  manage-users:\n"
                                 "    aliases: [\"Manage users\", \"Admin\"]\n"
                                 "    scopes: [access-management-read]\n",
            7, 31, "\"Admin\" normalises to \"admin\", already used by role \"admin\""},
        testing::InputErrorCase{"ErrorRoleNameClashesWithAnEarlierAlias",
                                std::string(kHead) + "  manage-api-credentials:\n"
                                                     "    aliases: [\"API keys\"]\n"
                                                     "    scopes: [access-management-read]\n"
                                                     "  api_keys:\n"
                                                     "    scopes: [access-management-read]\n",
                                7, 3,
                                "\"api_keys\" normalises to \"api-keys\", already used by role "
                                "\"manage-api-credentials\""},
        testing::InputErrorCase{
            "ErrorSameRoleListedTwice",
            std::string(kHead) + "  admin:\n"
                                 "    scopes: [access-management-read]\n"
                                 "  admin:\n"
                                 "    scopes: [access-management-write]\n",
            6, 3, "\"admin\" normalises to \"admin\", already used by role \"admin\""},
        testing::InputErrorCase{"ErrorScopesGivenAsAString",
                                std::string(kHead) + "  admin:\n"
                                                     "    scopes: \"access-management-read\"\n",
                                5, 13, "scopes of role \"admin\" must be a list"},
        testing::InputErrorCase{"ErrorReadOnlyNotABoolean",
                                std::string(kHead) + "  auditor:\n"
                                                     "    read-only: maybe\n"
                                                     "    scopes: [\"*-read\"]\n",
                                5, 16, "read-only must be true or false"},
        testing::InputErrorCase{"ErrorAliasesGivenAsAString",
                                std::string(kHead) + "  admin:\n"
                                                     "    aliases: Admin\n"
                                                     "    scopes: [access-management-read]\n",
                                5, 14, "aliases must be a list"},
        testing::InputErrorCase{"ErrorEmptyAlias",
                                std::string(kHead) + "  admin:\n"
                                                     "    aliases: [\" \"]\n"
                                                     "    scopes: [access-management-read]\n",
                                5, 15, "an alias of role \"admin\" is empty"},
        testing::InputErrorCase{"ErrorRoleBodyNotAMap",
                                std::string(kHead) + "  admin: [access-management-read]\n", 4, 10,
                                "role \"admin\" must be a map"},
        testing::InputErrorCase{"ErrorBadVersion",
                                "version: 2\n"
                                "cutoff: \"2026-03-23T00:00:00+01:00\"\n"
                                "roles:\n"
                                "  beta:\n"
                                "    scopes: [beta-preview]\n",
                                1, 10, "unsupported mapping version \"2\" (expected 1)"},
        testing::InputErrorCase{"ErrorMissingVersion",
                                "cutoff: \"2026-03-23T00:00:00+01:00\"\n"
                                "roles:\n"
                                "  beta:\n"
                                "    scopes: [beta-preview]\n",
                                1, 1, "the mapping has no \"version\" (expected 1)"},
        testing::InputErrorCase{
            "ErrorCutoffWithoutOffset",
            "version: 1\n"
            "cutoff: \"2026-03-23T00:00:00\"\n"
            "roles:\n"
            "  beta:\n"
            "    scopes: [beta-preview]\n",
            2, 9,
            "cutoff \"2026-03-23T00:00:00\" is not an RFC 3339 instant with an offset "
            "(e.g. 2026-03-23T00:00:00+01:00)"},
        testing::InputErrorCase{"ErrorMissingCutoff",
                                "version: 1\n"
                                "roles:\n"
                                "  beta:\n"
                                "    scopes: [beta-preview]\n",
                                1, 1, "the mapping has no \"cutoff\""},
        testing::InputErrorCase{"ErrorEmptyFile", "# nothing here\n", 1, 1, "the file is empty"},
        testing::InputErrorCase{"ErrorEmptyRoles",
                                "version: 1\n"
                                "cutoff: \"2026-03-23T00:00:00+01:00\"\n"
                                "roles: {}\n",
                                3, 8, "\"roles\" must be a non-empty map"}),
    testing::InputErrorCaseName);

TEST_F(MappingTest, ErrorUnknownScope) {
  const std::string path =
      WriteMapping(std::string(kHead) +
                   "  admin:\n"
                   "    scopes: [access-management-read, access-managment-write]\n");
  ExpectLoadError(path, 5, 38,
                  "unknown scope \"access-managment-write\" (not in " + catalog_path_ +
                      "); did you mean \"access-management-write\"?");
}

TEST_F(MappingTest, ErrorUnknownScopeFarFromAnyHasNoSuggestion) {
  const std::string path = WriteMapping(std::string(kHead) +
                                        "  admin:\n"
                                        "    scopes: [payroll]\n");
  ExpectLoadError(path, 5, 14, "unknown scope \"payroll\" (not in " + catalog_path_ + ")");
}

TEST_F(MappingTest, ErrorDuplicateKeyInsideARole) {
  const std::string path = WriteMapping(std::string(kHead) +
                                        "  admin:\n"
                                        "    scopes: [access-management-read]\n"
                                        "    scopes: [access-management-write]\n");
  try {
    const Mapping mapping = Mapping::Load(path);
    ADD_FAILURE() << "loaded; admin has " << mapping.roles()[0].scopes.size() << " scope(s)";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(path + ":6:5: ", 0), 0u) << what;
    EXPECT_NE(what.find("\"scopes\""), std::string::npos) << what;
  }
}

TEST_F(MappingTest, ErrorCatalogFileMissing) {
  const std::string path = WriteMapping(
      "version: 1\n"
      "catalog: no-such-catalog.yaml\n"
      "cutoff: \"2026-03-23T00:00:00+01:00\"\n"
      "roles:\n"
      "  beta:\n"
      "    scopes: [beta-preview]\n");
  ExpectLoadError(path, 2, 10,
                  "catalog file \"" + Dir() + "/no-such-catalog.yaml\" cannot be read");
}

TEST_F(MappingTest, ErrorDefaultCatalogMissing) {
  other_dir_ = testing::MakeTempDir();
  const std::string& other_dir = other_dir_;
  const std::string path = other_dir + "/mapping.yaml";
  testing::WriteFile(path, std::string(kHead) + "  beta:\n    scopes: [beta-preview]\n");
  ExpectLoadError(path, 1, 1, "catalog file \"" + other_dir + "/scopes.yaml\" cannot be read");
}

TEST_F(MappingTest, ErrorInTheCatalogNamesTheCatalog) {
  testing::WriteFile(catalog_path_,
                     "version: 1\n"
                     "scopes:\n"
                     "  - name: a-read\n"
                     "  - name: a-read\n");
  const std::string path = WriteMapping(std::string(kHead) + "  a:\n    scopes: [a-read]\n");
  try {
    Mapping::Load(path);
    ADD_FAILURE() << "loaded a mapping over a broken catalog";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), catalog_path_ + ":4:11: duplicate scope \"a-read\"");
  }
}

TEST_F(MappingTest, ErrorYamlSyntaxUnclosedBracket) {
  const std::string path = WriteMapping(std::string(kHead) +
                                        "  admin:\n"
                                        "    scopes: [access-management-read\n"
                                        "  beta:\n"
                                        "    scopes: [beta-preview]\n");
  try {
    Mapping::Load(path);
    ADD_FAILURE() << "loaded a mapping with a syntax error";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    // yaml-cpp reports where it noticed: the ":" of "beta:" inside the open flow sequence.
    EXPECT_EQ(std::string(e.what()), path + ":6:7: end of sequence flow not found");
  }
}

TEST_F(MappingTest, ErrorMappingFileMissing) {
  const std::string path = Dir() + "/no-such-mapping.yaml";
  try {
    Mapping::Load(path);
    ADD_FAILURE() << "loaded a missing file";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), path + ": cannot read file");
  }
}

}  // namespace
}  // namespace scope_migrate
