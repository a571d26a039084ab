#include "core/write_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scope_migrate {
namespace {

using Strings = std::vector<std::string>;

KeyChange Planned(Strings roles, Strings current, Strings add, Strings remove = {}) {
  KeyChange change;
  change.id = "k1";
  change.planned_roles = std::move(roles);
  change.planned_scopes = std::move(current);
  change.add = std::move(add);
  change.remove = std::move(remove);
  return change;
}

KeyState Now(Strings roles, Strings scopes, bool revoked = false) {
  KeyState state;
  state.roles = std::move(roles);
  state.scopes = std::move(scopes);
  state.revoked = revoked;
  return state;
}

TEST(WriteRulesTest, DescribeChangeSinceNamesWhatChanged) {
  const KeyChange planned =
      Planned({"Manage users"}, {"access-management-read"}, {"access-management-write"});
  EXPECT_EQ(DescribeChangeSince(Now({"Manage users"}, {"access-management-read", "beta-preview"}),
                                planned),
            "scopes now have +beta-preview (the plan saw [access-management-read])");
  EXPECT_EQ(DescribeChangeSince(Now({"Beta preview", "Manage users"}, {}), planned),
            "roles now have +\"Beta preview\" (the plan saw [\"Manage users\"]); scopes now have "
            "-access-management-read (the plan saw [access-management-read])");
  EXPECT_EQ(DescribeChangeSince(Now({"Manage users"}, {"access-management-read"}, true), planned),
            "it was revoked");
  KeyState unreadable = Now({}, {});
  unreadable.unreadable = "its scopes column is not a JSON array";
  EXPECT_EQ(DescribeChangeSince(unreadable, planned), "its scopes column is not a JSON array");
  // A role row duplicated since: the roles are compared with their duplicates.
  EXPECT_EQ(DescribeChangeSince(Now({"Manage users", "Manage users"}, {"access-management-read"}),
                                planned),
            "roles now have +\"Manage users\" (the plan saw [\"Manage users\"])");
}

TEST(WriteRulesTest, StateAfterAddsAndRemoves) {
  EXPECT_EQ(StateAfter({"a", "c"}, {"b"}, {"c"}), (Strings{"a", "b"}));
  EXPECT_EQ(StateAfter({}, {"b", "a"}, {}), (Strings{"a", "b"}));
  EXPECT_EQ(StateAfter({"a"}, {"a"}, {}), (Strings{"a"}));
}

TEST(WriteRulesTest, KeyAsPlannedIsWritten) {
  const KeyChange planned = Planned({"Admin"}, {"x"}, {"y"});
  const KeyState now = Now({"Admin"}, {"x"});
  EXPECT_EQ(JudgeApply(&now, planned), Verdict::kWrite);
}

TEST(WriteRulesTest, RowOrderAndDuplicateRolesAreTheSameState) {
  const KeyChange planned = Planned({"Admin", "Admin", "Auditor"}, {"x"}, {"y"});
  const KeyState now = Now({"Auditor", "Admin", "Admin"}, {"x"});
  EXPECT_EQ(JudgeApply(&now, planned), Verdict::kWrite);
}

TEST(WriteRulesTest, BothSidesUnsortedStillCompareAsMultisets) {
  const KeyChange planned = Planned({"Zed", "Admin", "Zed"}, {"y", "x"}, {"z"});
  const KeyState same = Now({"Zed", "Zed", "Admin"}, {"x", "y", "x"});
  const KeyState fewer = Now({"Zed", "Admin", "Admin"}, {"x", "y"});
  EXPECT_EQ(JudgeApply(&same, planned), Verdict::kWrite);
  EXPECT_EQ(JudgeApply(&fewer, planned), Verdict::kChangedSince);
}

TEST(WriteRulesTest, KeyInItsPlannedFinalStateIsAlreadyApplied) {
  const KeyChange planned = Planned({"Admin"}, {"x", "z"}, {"y"}, {"z"});
  const KeyState now = Now({"Admin"}, {"x", "y"});
  EXPECT_EQ(JudgeApply(&now, planned), Verdict::kAlreadyDone);
}

TEST(WriteRulesTest, AScopeGrantedSinceMakesThePlanStale) {
  const KeyChange planned = Planned({"Admin"}, {"x"}, {"y"});
  const KeyState now = Now({"Admin"}, {"w", "x"});
  EXPECT_EQ(JudgeApply(&now, planned), Verdict::kChangedSince);
}

TEST(WriteRulesTest, ARoleAddedOrRemovedSinceMakesThePlanStale) {
  const KeyChange planned = Planned({"Admin"}, {"x"}, {"y"});
  const KeyState more = Now({"Admin", "Auditor"}, {"x"});
  const KeyState fewer = Now({}, {"x"});
  const KeyState duplicated = Now({"Admin", "Admin"}, {"x"});
  EXPECT_EQ(JudgeApply(&more, planned), Verdict::kChangedSince);
  EXPECT_EQ(JudgeApply(&fewer, planned), Verdict::kChangedSince);
  EXPECT_EQ(JudgeApply(&duplicated, planned), Verdict::kChangedSince);
}

TEST(WriteRulesTest, AKeyRevokedSinceMakesThePlanStaleEvenInItsFinalState) {
  const KeyChange planned = Planned({"Admin"}, {"x"}, {"y"});
  const KeyState as_planned = Now({"Admin"}, {"x"}, true);
  const KeyState as_applied = Now({"Admin"}, {"x", "y"}, true);
  EXPECT_EQ(JudgeApply(&as_planned, planned), Verdict::kChangedSince);
  EXPECT_EQ(JudgeApply(&as_applied, planned), Verdict::kChangedSince);
}

TEST(WriteRulesTest, AKeyThatIsGoneMakesThePlanStale) {
  EXPECT_EQ(JudgeApply(nullptr, Planned({"Admin"}, {}, {"y"})), Verdict::kChangedSince);
}

TEST(WriteRulesTest, PartlyAppliedIsStaleNotAlreadyDone) {
  const KeyChange planned = Planned({"Admin"}, {}, {"a", "b"});
  const KeyState half = Now({"Admin"}, {"a"});
  EXPECT_EQ(JudgeApply(&half, planned), Verdict::kChangedSince);
}

KeyChange Inverse(Strings add_back, Strings remove) {
  KeyChange change;
  change.id = "k1";
  change.add = std::move(add_back);
  change.remove = std::move(remove);
  return change;
}

TEST(WriteRulesTest, RevertsAKeyStillAsTheRunLeftIt) {
  const KeyState now = Now({"Admin"}, {"a", "b", "keep"});
  EXPECT_EQ(JudgeRevert(&now, Inverse({"old"}, {"a", "b"}), false), Verdict::kWrite);
}

TEST(WriteRulesTest, LeavesAloneAKeyWhoseAddedScopeIsGone) {
  const KeyState now = Now({"Admin"}, {"a"});
  EXPECT_EQ(JudgeRevert(&now, Inverse({}, {"a", "b"}), false), Verdict::kChangedSince);
}

TEST(WriteRulesTest, LeavesAloneAKeyWhoseRemovedScopeIsBack) {
  const KeyState now = Now({"Admin"}, {"a", "old"});
  EXPECT_EQ(JudgeRevert(&now, Inverse({"old"}, {"a"}), false), Verdict::kChangedSince);
}

TEST(WriteRulesTest, LeavesAloneAKeyALaterRunTouched) {
  const KeyState now = Now({"Admin"}, {"a"});
  EXPECT_EQ(JudgeRevert(&now, Inverse({}, {"a"}), true), Verdict::kChangedSince);
}

TEST(WriteRulesTest, LeavesAloneAKeyThatIsGone) {
  EXPECT_EQ(JudgeRevert(nullptr, Inverse({}, {"a"}), false), Verdict::kChangedSince);
}

}  // namespace
}  // namespace scope_migrate
