#include "core/decision.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/timestamps.h"
#include "core/mapping.h"
#include "support/shipped_mapping.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

using Scopes = std::vector<std::string>;

const Scopes kFinanceManager = {"accounting-clearing-read",
                                "accounting-clearing-write",
                                "accounting-management-read",
                                "accounting-management-write",
                                "accounts-receivable-management-read",
                                "contract-order-management-read",
                                "customer-management-read",
                                "document-management-read",
                                "document-management-write",
                                "draft-document-management-read",
                                "draft-document-management-write",
                                "product-management-read",
                                "report-management-read",
                                "report-management-write",
                                "tenant-management-read"};

const Scopes kProductManager = {"contract-order-management-read", "document-management-read",
                                "product-management-read", "product-management-write",
                                "tenant-management-read"};

const int64_t kMicrosPerHour = 3600LL * 1000000;

class DecisionTest : public ::testing::Test {
 protected:
  DecisionOptions Options(bool prune = false) const {
    DecisionOptions options;
    options.cutoff = mapping_->cutoff();
    options.prune = prune;
    return options;
  }

  // A legacy key created a year before the cutoff.
  KeyRecord Key(std::vector<std::string> roles, std::vector<std::string> scopes = {}) const {
    KeyRecord key;
    key.id = "k1";
    key.tenant = "acme";
    key.created_at = *ParseRfc3339("2025-03-01T12:00:00Z");
    key.roles = std::move(roles);
    key.scopes = std::move(scopes);
    return key;
  }

  Decision Run(const KeyRecord& key, bool prune = false) const {
    return Decide(key, *mapping_, Options(prune));
  }

  const Mapping* const mapping_ = &testing::ShippedMapping();
};

void ExpectBlocked(const Decision& d, const std::string& reason) {
  EXPECT_EQ(d.status, Status::kBlocked);
  EXPECT_EQ(d.reason, reason);
  EXPECT_EQ(d.target, Scopes{});
  EXPECT_EQ(d.add, Scopes{});
  EXPECT_EQ(d.extra, Scopes{});
  EXPECT_EQ(d.remove, Scopes{});
}

TEST_F(DecisionTest, StatusNames) {
  EXPECT_STREQ(StatusName(Status::kChange), "change");
  EXPECT_STREQ(StatusName(Status::kUnchanged), "unchanged");
  EXPECT_STREQ(StatusName(Status::kDrift), "drift");
  EXPECT_STREQ(StatusName(Status::kBlocked), "blocked");
  EXPECT_STREQ(StatusName(Status::kSkipped), "skipped");
  EXPECT_STREQ(StatusName(Status::kExcluded), "excluded");
}

TEST_F(DecisionTest, RevokedIsSkipped) {
  KeyRecord key = Key({"Finance Manager"});
  key.revoked = true;
  const Decision d = Run(key);
  EXPECT_EQ(d.status, Status::kSkipped);
  EXPECT_EQ(d.reason, "revoked");
  EXPECT_EQ(d.target, Scopes{});
  EXPECT_EQ(d.add, Scopes{});
  EXPECT_EQ(d.remove, Scopes{});
}

TEST_F(DecisionTest, RevokedWinsOverUnknownRoles) {
  KeyRecord key = Key({"SUPERUSER", "Billing Clerk"});
  key.revoked = true;
  const Decision d = Run(key);
  EXPECT_EQ(d.status, Status::kSkipped);
  EXPECT_EQ(d.reason, "revoked");
}

TEST_F(DecisionTest, RevokedWinsOverMissingCreatedAtAndNoRoles) {
  KeyRecord key = Key({});
  key.created_at.reset();
  key.revoked = true;
  const Decision d = Run(key);
  EXPECT_EQ(d.status, Status::kSkipped);
  EXPECT_EQ(d.reason, "revoked");
}

TEST_F(DecisionTest, MissingCreatedAtIsBlocked) {
  KeyRecord key = Key({"Finance Manager"});
  key.created_at.reset();
  ExpectBlocked(Run(key), "missing created_at");
}

TEST_F(DecisionTest, MissingCreatedAtIsCheckedBeforeRoles) {
  KeyRecord key = Key({"SUPERUSER"});
  key.created_at.reset();
  ExpectBlocked(Run(key), "missing created_at");
}

TEST_F(DecisionTest, NoRolesIsBlocked) {
  ExpectBlocked(Run(Key({}, {"report-management-read"})), "no roles");
}

TEST_F(DecisionTest, UnknownRoleIsBlockedWithTheRawName) {
  const Decision d = Run(Key({"SUPERUSER"}));
  ExpectBlocked(d, "unknown role \"SUPERUSER\"");
  EXPECT_EQ(d.roles, Scopes{});
}

TEST_F(DecisionTest, OneKnownAndOneUnknownRoleFailsClosed) {
  const Decision d = Run(Key({"Billing Clerk", "Finance Manager"}, {"beta-preview"}));
  ExpectBlocked(d, "unknown role \"Billing Clerk\"");
  EXPECT_EQ(d.current, Scopes{"beta-preview"});
}

TEST_F(DecisionTest, UnknownRoleAfterAKnownOneFailsClosed) {
  ExpectBlocked(Run(Key({"Finance Manager", "SUPERUSER"})), "unknown role \"SUPERUSER\"");
}

TEST_F(DecisionTest, EmptyRoleIsUnknown) { ExpectBlocked(Run(Key({""})), "unknown role \"\""); }

TEST_F(DecisionTest, BlankRoleIsUnknownWithItsRawSpelling) {
  ExpectBlocked(Run(Key({"Auditor", "   "})), "unknown role \"   \"");
}

TEST_F(DecisionTest, CreatedExactlyAtTheCutoffIsExcluded) {
  KeyRecord key = Key({"Finance Manager"});
  key.created_at = mapping_->cutoff();
  const Decision d = Run(key);
  EXPECT_EQ(d.status, Status::kExcluded);
  EXPECT_EQ(d.target, Scopes{});
  EXPECT_EQ(d.add, Scopes{});
}

TEST_F(DecisionTest, CreatedOneMicrosecondBeforeTheCutoffIsLegacy) {
  KeyRecord key = Key({"Product Manager"});
  key.created_at = mapping_->cutoff() - 1;
  const Decision d = Run(key);
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.target, kProductManager);
  EXPECT_EQ(d.add, kProductManager);
}

TEST_F(DecisionTest, CreatedOneHourBeforeTheCutoffInUtcIsLegacy) {
  KeyRecord key = Key({"Beta preview"});
  key.created_at = *ParseRfc3339("2026-03-22T22:00:00Z");
  EXPECT_EQ(*key.created_at, mapping_->cutoff() - kMicrosPerHour);
  const Decision d = Run(key);
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.add, Scopes{"beta-preview"});
}

TEST_F(DecisionTest, MidnightUtcOnTheCutoffDayIsOneHourAfterAndExcluded) {
  KeyRecord key = Key({"Beta preview"});
  key.created_at = *ParseRfc3339("2026-03-23T00:00:00Z");
  EXPECT_EQ(*key.created_at, mapping_->cutoff() + kMicrosPerHour);
  EXPECT_EQ(Run(key).status, Status::kExcluded);
}

TEST_F(DecisionTest, ExcludedEvenWhenRevokedOrBroken) {
  KeyRecord key = Key({"SUPERUSER"});
  key.created_at = mapping_->cutoff() + 1;
  key.revoked = true;
  EXPECT_EQ(Run(key).status, Status::kExcluded);
}

TEST_F(DecisionTest, DuplicateRoleGivesTheSameTargetAsOnce) {
  const Decision once = Run(Key({"Finance Manager"}));
  const Decision twice = Run(Key({"Finance Manager", "Finance Manager"}));
  EXPECT_EQ(twice.status, Status::kChange);
  EXPECT_EQ(twice.roles, Scopes{"finance-manager"});
  EXPECT_EQ(twice.target, kFinanceManager);
  EXPECT_EQ(twice.target, once.target);
  EXPECT_EQ(twice.add, kFinanceManager);
}

TEST_F(DecisionTest, SameRoleSpelledTwoWaysCountsOnce) {
  const Decision d = Run(Key({"Finance Manager", "finance_manager"}));
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.roles, Scopes{"finance-manager"});
  EXPECT_EQ(d.target, kFinanceManager);
  EXPECT_EQ(d.add, kFinanceManager);
}

TEST_F(DecisionTest, TwoRolesGiveTheUnion) {
  const Decision d = Run(Key({"Product Manager", "Manage users", "Beta preview"}));
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.roles, (Scopes{"beta-preview", "manage-users", "product-manager"}));
  const Scopes expected = {
      "access-management-read",         "access-management-write",  "beta-preview",
      "contract-order-management-read", "document-management-read", "product-management-read",
      "product-management-write",       "tenant-management-read"};
  EXPECT_EQ(d.target, expected);
  EXPECT_EQ(d.add, expected);
  EXPECT_EQ(d.extra, Scopes{});
}

TEST_F(DecisionTest, CurrentSubsetOfTargetIsAChangeWithTheMissingScopes) {
  const Decision d =
      Run(Key({"Product Manager"}, {"tenant-management-read", "product-management-read"}));
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.reason, "");
  EXPECT_EQ(d.current, (Scopes{"product-management-read", "tenant-management-read"}));
  EXPECT_EQ(d.target, kProductManager);
  EXPECT_EQ(d.add, (Scopes{"contract-order-management-read", "document-management-read",
                           "product-management-write"}));
  EXPECT_EQ(d.extra, Scopes{});
  EXPECT_EQ(d.remove, Scopes{});
}

TEST_F(DecisionTest, CurrentEqualToTargetIsUnchanged) {
  const Decision d =
      Run(Key({"Manage users"}, {"access-management-write", "access-management-read"}));
  EXPECT_EQ(d.status, Status::kUnchanged);
  EXPECT_EQ(d.reason, "");
  EXPECT_EQ(d.roles, Scopes{"manage-users"});
  EXPECT_EQ(d.current, (Scopes{"access-management-read", "access-management-write"}));
  EXPECT_EQ(d.target, d.current);
  EXPECT_EQ(d.add, Scopes{});
  EXPECT_EQ(d.extra, Scopes{});
  EXPECT_EQ(d.remove, Scopes{});
}

TEST_F(DecisionTest, DuplicateCurrentScopesAreASet) {
  const Decision d = Run(Key({"Beta preview"}, {"beta-preview", "beta-preview"}));
  EXPECT_EQ(d.status, Status::kUnchanged);
  EXPECT_EQ(d.current, Scopes{"beta-preview"});
}

TEST_F(DecisionTest, CurrentSupersetOfTargetIsDriftWithoutRemoval) {
  const Decision d =
      Run(Key({"Manage API credentials"}, {"report-management-read", "access-management-read",
                                           "access-management-write", "beta-preview"}));
  EXPECT_EQ(d.status, Status::kDrift);
  EXPECT_EQ(d.add, Scopes{});
  EXPECT_EQ(d.extra, (Scopes{"beta-preview", "report-management-read"}));
  EXPECT_EQ(d.remove, Scopes{});
}

TEST_F(DecisionTest, AddAndExtraWithoutPruneIsAChangeThatRemovesNothing) {
  const Decision d = Run(Key({"Product Manager"}, {"beta-preview", "product-management-read"}));
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.add, (Scopes{"contract-order-management-read", "document-management-read",
                           "product-management-write", "tenant-management-read"}));
  EXPECT_EQ(d.extra, Scopes{"beta-preview"});
  EXPECT_EQ(d.remove, Scopes{});
}

TEST_F(DecisionTest, PruneTurnsDriftIntoAChangeThatRemovesTheExtra) {
  const Decision d =
      Run(Key({"Manage API credentials"}, {"report-management-read", "access-management-read",
                                           "access-management-write", "beta-preview"}),
          /*prune=*/true);
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.add, Scopes{});
  EXPECT_EQ(d.extra, (Scopes{"beta-preview", "report-management-read"}));
  EXPECT_EQ(d.remove, d.extra);
}

TEST_F(DecisionTest, PruneWithNothingExtraIsUnchanged) {
  const Decision d =
      Run(Key({"Manage users"}, {"access-management-read", "access-management-write"}),
          /*prune=*/true);
  EXPECT_EQ(d.status, Status::kUnchanged);
  EXPECT_EQ(d.extra, Scopes{});
  EXPECT_EQ(d.remove, Scopes{});
}

TEST_F(DecisionTest, PruneWithAddAndExtraRemovesTheExtra) {
  const Decision d = Run(Key({"Beta preview"}, {"tax-management-write"}), /*prune=*/true);
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.add, Scopes{"beta-preview"});
  EXPECT_EQ(d.remove, Scopes{"tax-management-write"});
}

TEST_F(DecisionTest, SuperUserGetsAll26) {
  const Decision d = Run(Key({"Super User"}));
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.target.size(), 26u);
  EXPECT_EQ(d.target, mapping_->catalog().Expand("*"));
}

TEST_F(DecisionTest, SortedUnique) {
  EXPECT_EQ(SortedUnique({"b", "a", "b", "c", "a"}), (Scopes{"a", "b", "c"}));
  EXPECT_EQ(SortedUnique({}), Scopes{});
}

}  // namespace
}  // namespace scope_migrate
