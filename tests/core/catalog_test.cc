#include "core/catalog.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "base/errors.h"
#include "support/shipped_mapping.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

class CatalogTest : public testing::TempDirTest {
 protected:
  static std::string ShippedPath() { return testing::ShippedCatalogPath(); }

  // Writes `yaml` as a catalog file in a fresh temp dir and returns its path.
  std::string WriteCatalog(const std::string& yaml) { return WriteTemp("scopes.yaml", yaml); }

  // Catalog::Load(path) must fail with exit code 65 and exactly `message` at line:col.
  void ExpectLoadError(const std::string& path, int line, int col, const std::string& message) {
    testing::ExpectInputError([&] { Catalog::Load(path); }, path, line, col, message);
  }
};

TEST_F(CatalogTest, ShippedCatalogHas26ScopesSortedWithDescriptions) {
  const Catalog catalog = Catalog::Load(ShippedPath());
  ASSERT_EQ(catalog.scopes().size(), 26u);
  for (size_t i = 1; i < catalog.scopes().size(); ++i) {
    EXPECT_LT(catalog.scopes()[i - 1].name, catalog.scopes()[i].name);
  }
  for (const Scope& scope : catalog.scopes()) {
    EXPECT_FALSE(scope.description.empty()) << scope.name;
    EXPECT_EQ(NormalizeScopeName(scope.name), scope.name);
  }
  EXPECT_EQ(catalog.path(), ShippedPath());
  EXPECT_EQ(catalog.sha256().size(), 64u);
}

TEST_F(CatalogTest, ShippedCatalogPrivilegedScopesAreExactlyThree) {
  const Catalog catalog = Catalog::Load(ShippedPath());
  std::set<std::string> privileged;
  for (const Scope& scope : catalog.scopes()) {
    if (scope.privileged) privileged.insert(scope.name);
    EXPECT_EQ(catalog.IsPrivileged(scope.name), scope.privileged) << scope.name;
  }
  EXPECT_EQ(privileged,
            (std::set<std::string>{"access-management-write", "custom-payment-provider-write",
                                   "tenant-management-write"}));
  EXPECT_FALSE(catalog.IsPrivileged("no-such-scope"));
}

TEST_F(CatalogTest, FindReturnsTheScopeOrNull) {
  const Catalog catalog = Catalog::Load(ShippedPath());
  const Scope* scope = catalog.Find("beta-preview");
  ASSERT_NE(scope, nullptr);
  EXPECT_EQ(scope->name, "beta-preview");
  EXPECT_EQ(scope->description,
            "Grants access to beta and preview features that are not yet generally available.");
  EXPECT_FALSE(scope->privileged);
  EXPECT_EQ(catalog.Find("BETA_PREVIEW"), nullptr);  // Find takes normalised names only
  EXPECT_EQ(catalog.Find("beta"), nullptr);
  EXPECT_EQ(catalog.Find(""), nullptr);
  EXPECT_EQ(catalog.Find("zzz"), nullptr);
}

TEST_F(CatalogTest, ExpandReadGlobGivesTheTwelveReadScopes) {
  const Catalog catalog = Catalog::Load(ShippedPath());
  EXPECT_EQ(catalog.Expand("*-read"), testing::kReadScopes);
}

TEST_F(CatalogTest, ExpandStarGivesAll26Sorted) {
  const Catalog catalog = Catalog::Load(ShippedPath());
  const std::vector<std::string> all = catalog.Expand("*");
  ASSERT_EQ(all.size(), 26u);
  std::vector<std::string> names;
  for (const Scope& scope : catalog.scopes()) names.push_back(scope.name);
  EXPECT_EQ(all, names);
}

TEST_F(CatalogTest, ExpandOtherPatterns) {
  const Catalog catalog = Catalog::Load(ShippedPath());
  EXPECT_EQ(catalog.Expand("*-write").size(), 13u);
  EXPECT_EQ(catalog.Expand("access-management-*"),
            (std::vector<std::string>{"access-management-read", "access-management-write"}));
  EXPECT_EQ(
      catalog.Expand("*document*-read"),
      (std::vector<std::string>{"document-management-read", "draft-document-management-read"}));
  EXPECT_EQ(catalog.Expand("beta-preview"), (std::vector<std::string>{"beta-preview"}));
  EXPECT_EQ(catalog.Expand("*-admin"), std::vector<std::string>{});
  EXPECT_EQ(catalog.Expand("*-READ"), std::vector<std::string>{});  // case-sensitive
}

TEST_F(CatalogTest, GlobMatchCases) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_TRUE(GlobMatch("abc", "abc"));
  EXPECT_FALSE(GlobMatch("abc", "abcd"));
  EXPECT_FALSE(GlobMatch("abcd", "abc"));
  EXPECT_TRUE(GlobMatch("*-read", "tax-management-read"));
  EXPECT_FALSE(GlobMatch("*-read", "tax-management-read-write"));
  EXPECT_FALSE(GlobMatch("*-read", "tax-management-write"));
  EXPECT_TRUE(GlobMatch("*read*", "x-read-write"));
  EXPECT_TRUE(GlobMatch("a*c", "ac"));
  EXPECT_TRUE(GlobMatch("a*c", "abbbc"));
  EXPECT_FALSE(GlobMatch("a*c", "abd"));
  EXPECT_TRUE(GlobMatch("a**b", "ab"));
  EXPECT_TRUE(GlobMatch("*a*b", "xaxb"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXbYbZc"));  // backtracking past a first "b"
  EXPECT_FALSE(GlobMatch("a*b*c", "aXbYbZ"));
  EXPECT_FALSE(GlobMatch("-read", "x-read"));  // no implicit prefix match
  EXPECT_FALSE(GlobMatch("?", "a"));           // "?" is a literal, not a wildcard
}

TEST_F(CatalogTest, NormalizeScopeName) {
  EXPECT_EQ(NormalizeScopeName("ACCESS_MANAGEMENT_READ"), "access-management-read");
  EXPECT_EQ(NormalizeScopeName(" Access-Management-Read "), "access-management-read");
  EXPECT_EQ(NormalizeScopeName("\tbeta_preview\n"), "beta-preview");
  EXPECT_EQ(NormalizeScopeName("*_READ"), "*-read");
  EXPECT_EQ(NormalizeScopeName("a__b"), "a--b");  // "_" maps one to one, runs are not folded
  EXPECT_EQ(NormalizeScopeName("a b"), "a b");    // inner spaces stay
  EXPECT_EQ(NormalizeScopeName(""), "");
  EXPECT_EQ(NormalizeScopeName("   "), "");
}

// Each malformed catalog fails with exit 65 and exactly its message at line:col.
class CatalogErrorTest : public CatalogTest,
                         public ::testing::WithParamInterface<testing::InputErrorCase> {};

TEST_P(CatalogErrorTest, NamesTheLineAndColumn) {
  const testing::InputErrorCase& c = GetParam();
  ExpectLoadError(WriteCatalog(c.text), c.line, c.col, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, CatalogErrorTest,
    ::testing::Values(
        testing::InputErrorCase{"DuplicateScopeIsAnErrorAtTheSecondName",
                                "version: 1\n"
                                "scopes:\n"
                                "  - name: a-read\n"
                                "  - name: b-read\n"
                                "  - name: a-read\n",
                                5, 11, "duplicate scope \"a-read\""},
        testing::InputErrorCase{"UnknownKeyInAScopeIsAnError",
                                "version: 1\n"
                                "scopes:\n"
                                "  - name: a-read\n"
                                "    descripton: typo\n",
                                4, 5,
                                "unknown key \"descripton\" in a scope (expected one of: name, "
                                "description, privileged)"},
        testing::InputErrorCase{
            "UnknownTopLevelKeyIsAnError",
            "version: 1\n"
            "scope:\n"
            "  - name: a-read\n",
            2, 1, "unknown key \"scope\" in the catalog (expected one of: version, scopes)"},
        testing::InputErrorCase{"ScopeNameMustBeNormalised",
                                "version: 1\n"
                                "scopes:\n"
                                "  - name: A_READ\n",
                                3, 11,
                                "scope name \"A_READ\" must be lower-case words joined by \"-\""},
        testing::InputErrorCase{"UnsupportedVersionIsAnError",
                                "version: 2\n"
                                "scopes:\n"
                                "  - name: a-read\n",
                                1, 10, "unsupported catalog version (expected 1)"},
        testing::InputErrorCase{"PrivilegedMustBeABoolean",
                                "version: 1\n"
                                "scopes:\n"
                                "  - name: a-write\n"
                                "    privileged: maybe\n",
                                4, 17, "privileged must be true or false"},
        testing::InputErrorCase{"EmptyScopesListIsAnError",
                                "version: 1\n"
                                "scopes: []\n",
                                2, 9, "\"scopes\" must be a non-empty list"}),
    testing::InputErrorCaseName);

TEST_F(CatalogTest, MissingFileIsAnError) {
  const std::string path = Dir() + "/missing.yaml";
  try {
    Catalog::Load(path);
    ADD_FAILURE() << "loaded a missing file";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), path + ": cannot read file");
  }
}

TEST_F(CatalogTest, SmallValidCatalogLoadsSorted) {
  const std::string path = WriteCatalog(
      "version: 1\n"
      "scopes:\n"
      "  - name: b-write\n"
      "    privileged: true\n"
      "  - name: a-read\n"
      "    description: Reads a.\n");
  const Catalog catalog = Catalog::Load(path);
  ASSERT_EQ(catalog.scopes().size(), 2u);
  EXPECT_EQ(catalog.scopes()[0].name, "a-read");
  EXPECT_EQ(catalog.scopes()[0].description, "Reads a.");
  EXPECT_FALSE(catalog.scopes()[0].privileged);
  EXPECT_EQ(catalog.scopes()[1].name, "b-write");
  EXPECT_EQ(catalog.scopes()[1].description, "");
  EXPECT_TRUE(catalog.scopes()[1].privileged);
}

}  // namespace
}  // namespace scope_migrate

namespace scope_migrate {
namespace {

// Regression: "a b" and "a.b" were accepted as scope names.
TEST_F(CatalogTest, ScopeNamesAreLowerCaseWordsJoinedByDashes) {
  for (const std::string name : {"a b", "a.b", "-a", "a-"}) {
    const std::string path = WriteCatalog("version: 1\nscopes:\n  - name: \"" + name + "\"\n");
    ExpectLoadError(path, 3, 11,
                    "scope name \"" + name + "\" must be lower-case words joined by \"-\"");
  }
}

}  // namespace
}  // namespace scope_migrate
