#include "core/fixtures.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/errors.h"
#include "base/timestamps.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

using Scopes = std::vector<std::string>;

class FixturesTest : public testing::TempDirTest {
 protected:
  std::string Write(const std::string& yaml) { return WriteTemp("fixtures.yaml", yaml); }

  void ExpectLoadError(const std::string& path, int line, int col, const std::string& message) {
    testing::ExpectInputError([&] { LoadFixtures(path); }, path, line, col, message);
  }
};

TEST_F(FixturesTest, SampleFixturesLoadSortedById) {
  const auto keys = LoadFixtures(testing::SourcePath("samples/fixtures.yaml"));
  ASSERT_EQ(keys.size(), 48u);
  for (size_t i = 1; i < keys.size(); ++i) EXPECT_LT(keys[i - 1].key.id, keys[i].key.id);
  EXPECT_EQ(keys.front().key.id, "00000000-0000-4000-9000-000000000001");
  EXPECT_EQ(keys.back().key.id, "00000000-0000-4000-9000-000000000048");
  for (const auto& fixture : keys) {
    EXPECT_NE(fixture.expect.kind, Expectation::Kind::kNone) << fixture.key.id;
  }
}

TEST_F(FixturesTest, SampleFixtureFieldsAreRead) {
  const auto keys = LoadFixtures(testing::SourcePath("samples/fixtures.yaml"));
  ASSERT_EQ(keys.size(), 48u);
  const FixtureKey& first = keys[0];
  EXPECT_EQ(first.line, 14);
  EXPECT_EQ(first.key.tenant, std::optional<std::string>("acme"));
  EXPECT_EQ(first.key.created_at, ParseRfc3339("2024-01-15T08:30:00Z"));
  EXPECT_FALSE(first.key.revoked);
  EXPECT_EQ(first.key.roles, Scopes{"Finance Manager"});
  EXPECT_EQ(first.key.scopes, Scopes{});
  EXPECT_EQ(first.expect.kind, Expectation::Kind::kTarget);
  EXPECT_EQ(first.expect.target.size(), 15u);

  const FixtureKey& revoked_orphan = keys[29];  // ...0030: revoked, no created_at, no roles
  EXPECT_EQ(revoked_orphan.key.id, "00000000-0000-4000-9000-000000000030");
  EXPECT_TRUE(revoked_orphan.key.revoked);
  EXPECT_FALSE(revoked_orphan.key.created_at.has_value());
  EXPECT_EQ(revoked_orphan.key.roles, Scopes{});
  EXPECT_EQ(revoked_orphan.expect.kind, Expectation::Kind::kSkipped);
  EXPECT_EQ(revoked_orphan.expect.reason_prefix, "revoked");

  const FixtureKey& cet = keys[44];  // ...0045: the cutoff written with +01:00
  EXPECT_EQ(cet.key.created_at, ParseRfc3339("2026-03-22T23:00:00Z"));
  EXPECT_EQ(cet.expect.kind, Expectation::Kind::kExcluded);

  const FixtureKey& drift = keys[26];  // ...0027
  EXPECT_EQ(drift.key.scopes, (Scopes{"access-management-read", "access-management-write",
                                      "report-management-read"}));
}

TEST_F(FixturesTest, MinimalKeyHasDefaults) {
  const auto keys = LoadFixtures(Write("keys:\n  - id: k1\n"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].key.id, "k1");
  EXPECT_FALSE(keys[0].key.tenant.has_value());
  EXPECT_FALSE(keys[0].key.created_at.has_value());
  EXPECT_FALSE(keys[0].key.revoked);
  EXPECT_EQ(keys[0].key.roles, Scopes{});
  EXPECT_EQ(keys[0].key.scopes, Scopes{});
  EXPECT_EQ(keys[0].expect.kind, Expectation::Kind::kNone);
  EXPECT_EQ(keys[0].line, 2);
}

TEST_F(FixturesTest, RolesKeepDuplicatesAndScopesBecomeASet) {
  const auto keys =
      LoadFixtures(Write("keys:\n"
                         "  - id: k1\n"
                         "    roles: [b, a, b]\n"
                         "    scopes: [y, x, y]\n"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].key.roles, (Scopes{"a", "b", "b"}));
  EXPECT_EQ(keys[0].key.scopes, (Scopes{"x", "y"}));
}

TEST_F(FixturesTest, ExpectListIsANormalisedSortedTarget) {
  const auto keys =
      LoadFixtures(Write("keys:\n"
                         "  - id: k1\n"
                         "    expect: [TENANT_MANAGEMENT_READ, beta-preview, \" "
                         "Access-Management-Read \", beta-preview]\n"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].expect.kind, Expectation::Kind::kTarget);
  EXPECT_EQ(keys[0].expect.target,
            (Scopes{"access-management-read", "beta-preview", "tenant-management-read"}));
  EXPECT_EQ(keys[0].expect.reason_prefix, "");
}

TEST_F(FixturesTest, ExpectEmptyListIsAnEmptyTarget) {
  const auto keys = LoadFixtures(Write("keys:\n  - id: k1\n    expect: []\n"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].expect.kind, Expectation::Kind::kTarget);
  EXPECT_EQ(keys[0].expect.target, Scopes{});
}

TEST_F(FixturesTest, ExpectBlocked) {
  const auto keys = LoadFixtures(Write("keys:\n  - id: k1\n    expect: {blocked: \"x\"}\n"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].expect.kind, Expectation::Kind::kBlocked);
  EXPECT_EQ(keys[0].expect.reason_prefix, "x");
  EXPECT_EQ(keys[0].expect.target, Scopes{});
}

TEST_F(FixturesTest, ExpectSkipped) {
  const auto keys = LoadFixtures(Write("keys:\n  - id: k1\n    expect: {skipped: \"revoked\"}\n"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].expect.kind, Expectation::Kind::kSkipped);
  EXPECT_EQ(keys[0].expect.reason_prefix, "revoked");
}

TEST_F(FixturesTest, ExpectExcluded) {
  const auto keys = LoadFixtures(Write("keys:\n  - id: k1\n    expect: {excluded: true}\n"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].expect.kind, Expectation::Kind::kExcluded);
  EXPECT_EQ(keys[0].expect.reason_prefix, "");
}

// Each malformed fixture file fails with exit 65 and exactly its message at line:col.
class FixturesErrorTest : public FixturesTest,
                          public ::testing::WithParamInterface<testing::InputErrorCase> {};

TEST_P(FixturesErrorTest, NamesTheLineAndColumn) {
  const testing::InputErrorCase& c = GetParam();
  ExpectLoadError(Write(c.text), c.line, c.col, c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, FixturesErrorTest,
    ::testing::Values(
        testing::InputErrorCase{"DuplicateIdIsAnErrorAtTheSecondId",
                                "keys:\n"
                                "  - id: k1\n"
                                "    roles: [Admin]\n"
                                "  - id: k2\n"
                                "  - tenant: acme\n"
                                "    id: k1\n",
                                6, 9, "duplicate key id \"k1\""},
        testing::InputErrorCase{
            "UnknownFieldIsAnError",
            "keys:\n"
            "  - id: k1\n"
            "    role: [Admin]\n",
            3, 5,
            "unknown key \"role\" in a fixture key (expected one of: id, tenant, name, "
            "created_at, revoked_at, roles, scopes, expect)"},
        testing::InputErrorCase{
            "BadCreatedAtIsAnError",
            "keys:\n"
            "  - id: k1\n"
            "    created_at: yesterday\n",
            3, 17, "created_at \"yesterday\" is not an RFC 3339 instant with an offset"},
        testing::InputErrorCase{
            "CreatedAtWithoutOffsetIsAnError",
            "keys:\n"
            "  - id: k1\n"
            "    created_at: 2024-01-01T00:00:00\n",
            3, 17, "created_at \"2024-01-01T00:00:00\" is not an RFC 3339 instant with an offset"},
        testing::InputErrorCase{"BadRevokedAtIsAnError",
                                "keys:\n"
                                "  - id: k1\n"
                                "    revoked_at: true\n",
                                3, 17,
                                "revoked_at \"true\" is not an RFC 3339 instant with an offset"},
        testing::InputErrorCase{"MissingIdIsAnError",
                                "keys:\n"
                                "  - id: k1\n"
                                "  - tenant: acme\n",
                                3, 5, "a fixture key needs an \"id\""},
        testing::InputErrorCase{"RolesAsAStringIsAnError",
                                "keys:\n"
                                "  - id: k1\n"
                                "    roles: Admin\n",
                                3, 12, "roles must be a list"},
        testing::InputErrorCase{"KeysMustBeAList", "keys: {id: k1}\n", 1, 7,
                                "\"keys\" must be a list"},
        testing::InputErrorCase{"ExpectExcludedFalseIsAnError",
                                "keys:\n  - id: k1\n    expect: {excluded: false}\n", 3, 24,
                                "expect.excluded can only be true"},
        testing::InputErrorCase{"ExpectWithTwoKindsIsAnError",
                                "keys:\n  - id: k1\n    expect: {blocked: a, skipped: b}\n", 3, 13,
                                "expect must be a list of scopes or one of {blocked: \"reason\"}, "
                                "{skipped: \"reason\"}, {excluded: true}"},
        testing::InputErrorCase{
            "ExpectWithUnknownKindIsAnError", "keys:\n  - id: k1\n    expect: {target: [a]}\n", 3,
            14, "unknown key \"target\" in expect (expected one of: blocked, skipped, excluded)"}),
    testing::InputErrorCaseName);

TEST_F(FixturesTest, MissingFileIsAnError) {
  const std::string path = Dir() + "/none.yaml";
  try {
    LoadFixtures(path);
    ADD_FAILURE() << "loaded a missing file";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), path + ": cannot read file");
  }
}

}  // namespace
}  // namespace scope_migrate
