#include "core/overrides.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/errors.h"
#include "base/timestamps.h"
#include "core/decision.h"
#include "support/shipped_mapping.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

using Scopes = std::vector<std::string>;

const Catalog& ShippedCatalog() { return testing::ShippedMapping().catalog(); }

class OverridesTest : public testing::TempDirTest {
 protected:
  Overrides Load(const std::string& name, const std::string& text) {
    return Overrides::Load(WriteTemp(name, text), ShippedCatalog());
  }
};

TEST_F(OverridesTest, LoadsTheYamlForm) {
  const Overrides o = Load("o.yaml",
                           "version: 1\n"
                           "overrides:\n"
                           "  - key: \"k1\"\n"
                           "    add: [REPORT_MANAGEMENT_READ, access-management-read]\n"
                           "    remove: [tenant-management-write]\n"
                           "    reason: \"OPS-512\"\n"
                           "  - key: k2\n"
                           "    add: [tax-management-write]\n"
                           "    reason: dormant\n"
                           "    allow_write: true\n");
  ASSERT_EQ(o.list().size(), 2u);
  const Override* k1 = o.Find("k1");
  ASSERT_NE(k1, nullptr);
  EXPECT_EQ(k1->change.add, (Scopes{"access-management-read", "report-management-read"}));
  EXPECT_EQ(k1->change.remove, Scopes{"tenant-management-write"});
  EXPECT_EQ(k1->change.reason, "OPS-512");
  EXPECT_FALSE(k1->change.allow_write);
  EXPECT_EQ(k1->at.line, 3);
  EXPECT_EQ(k1->at.column, 10);
  // Places follow the sorted order: access-management-read is the second item written.
  EXPECT_EQ(k1->add_at[0].column, 35);
  EXPECT_EQ(k1->add_at[1].column, 11);
  EXPECT_TRUE(o.Find("k2")->change.allow_write);
  EXPECT_EQ(o.Find("k3"), nullptr);
  EXPECT_EQ(o.KeyIds(), (Scopes{"k1", "k2"}));
  EXPECT_EQ(o.sha256().size(), 64u);
}

TEST_F(OverridesTest, LoadsTheJsonLinesForm) {
  const Overrides o = Load("o.jsonl",
                           "{\"key\":\"k1\",\"add\":[\"report-management-read\"],\"reason\":\"r\"}\n"
                           "\n"
                           "{\"key\":\"k2\",\"remove\":[\"tax-management-write\"],\"reason\":\"x\","
                           "\"allow_write\":false}\r\n");
  ASSERT_EQ(o.list().size(), 2u);
  EXPECT_EQ(o.Find("k2")->at.line, 3);
  EXPECT_EQ(o.Find("k2")->change.remove, Scopes{"tax-management-write"});
}

TEST_F(OverridesTest, AnEmptyListIsNoOverride) {
  EXPECT_TRUE(Load("o.yaml", "version: 1\noverrides: []\n").list().empty());
  EXPECT_TRUE(Load("o.jsonl", "").list().empty());
}

// Every refusal of the file alone, YAML form.
class OverridesYamlErrorTest : public OverridesTest,
                               public ::testing::WithParamInterface<testing::InputErrorCase> {};

TEST_P(OverridesYamlErrorTest, NamesTheLineAndColumn) {
  const testing::InputErrorCase& c = GetParam();
  const std::string path = WriteTemp("o.yaml", c.text);
  testing::ExpectInputError([&] { Overrides::Load(path, ShippedCatalog()); }, path, c.line, c.col,
                            c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, OverridesYamlErrorTest,
    ::testing::Values(
        testing::InputErrorCase{"ScopeOutsideTheCatalog",
                                "version: 1\noverrides:\n  - key: k1\n    add: [reports-read]\n"
                                "    reason: r\n",
                                4, 11,
                                "override of key k1: \"add\": scope \"reports-read\" is not in the "
                                "catalog " +
                                    testing::ShippedCatalogPath()},
        testing::InputErrorCase{"KeyTwice",
                                "version: 1\noverrides:\n"
                                "  - {key: k1, add: [tax-management-read], reason: r}\n"
                                "  - {key: k1, remove: [tax-management-read], reason: r}\n",
                                4, 11,
                                "override of key k1: the key is listed twice (first at line 3); "
                                "merge the two overrides"},
        testing::InputErrorCase{"NoReason",
                                "version: 1\noverrides:\n  - key: k1\n    add: [tax-management-read]\n",
                                3, 10,
                                "override of key k1: no \"reason\": every override says why (a "
                                "ticket, a name)"},
        testing::InputErrorCase{"BlankReason",
                                "version: 1\noverrides:\n  - key: k1\n    add: [tax-management-read]\n"
                                "    reason: \"  \"\n",
                                3, 10,
                                "override of key k1: no \"reason\": every override says why (a "
                                "ticket, a name)"},
        testing::InputErrorCase{"NothingToDo",
                                "version: 1\noverrides:\n  - key: k1\n    reason: r\n", 3, 10,
                                "override of key k1: nothing to add or remove"},
        testing::InputErrorCase{"AddedAndRemoved",
                                "version: 1\noverrides:\n  - key: k1\n    add: [tax-management-read]\n"
                                "    remove: [TAX_MANAGEMENT_READ]\n    reason: r\n",
                                4, 11,
                                "override of key k1: \"tax-management-read\" is both added and "
                                "removed"},
        testing::InputErrorCase{"ScopeTwiceInAList",
                                "version: 1\noverrides:\n  - key: k1\n"
                                "    add: [tax-management-read, tax-management-read]\n"
                                "    reason: r\n",
                                4, 32,
                                "override of key k1: \"add\": scope \"tax-management-read\" is "
                                "listed twice (also at line 4)"},
        testing::InputErrorCase{"UnknownField",
                                "version: 1\noverrides:\n  - key: k1\n    adds: [tax-management-read]\n"
                                "    reason: r\n",
                                4, 5,
                                "unknown key \"adds\" in an override (expected one of: key, add, "
                                "remove, reason, allow_write)"},
        testing::InputErrorCase{"NoVersion", "overrides: []\n", 1, 1,
                                "the overrides file has no \"version\" (expected 1)"},
        testing::InputErrorCase{"OtherVersion", "version: 2\noverrides: []\n", 1, 10,
                                "unsupported overrides version \"2\" (expected 1)"},
        testing::InputErrorCase{"NotAList", "version: 1\noverrides: {key: k1}\n", 2, 12,
                                "\"overrides\" must be a list"},
        testing::InputErrorCase{"NoKey",
                                "version: 1\noverrides:\n  - add: [tax-management-read]\n"
                                "    reason: r\n",
                                3, 5, "an override has no \"key\""},
        testing::InputErrorCase{"AllowWriteNotABool",
                                "version: 1\noverrides:\n  - key: k1\n    add: [tax-management-read]\n"
                                "    reason: r\n    allow_write: maybe\n",
                                6, 18, "allow_write must be true or false"},
        testing::InputErrorCase{"SecondDocument", "version: 1\noverrides: []\n---\nversion: 1\n", 3,
                                1,
                                "a second YAML document starts here; the file must hold exactly "
                                "one (nothing after a \"---\" line is read)"}),
    testing::InputErrorCaseName);

// Every refusal of the file alone, JSON Lines form: the line (and the byte of a syntax error).
class OverridesJsonlErrorTest : public OverridesTest,
                                public ::testing::WithParamInterface<testing::InputErrorCase> {};

TEST_P(OverridesJsonlErrorTest, NamesTheLine) {
  const testing::InputErrorCase& c = GetParam();
  const std::string path = WriteTemp("o.jsonl", c.text);
  testing::ExpectInputError([&] { Overrides::Load(path, ShippedCatalog()); }, path, c.line, c.col,
                            c.message);
}

const char kGoodLine[] = "{\"key\":\"k1\",\"add\":[\"tax-management-read\"],\"reason\":\"r\"}\n";

INSTANTIATE_TEST_SUITE_P(
    Malformed, OverridesJsonlErrorTest,
    ::testing::Values(
        testing::InputErrorCase{"NotJson", std::string(kGoodLine) + "{\"key\":\n", 2, 8,
                                "not valid JSON"},
        testing::InputErrorCase{"NotAnObject", "[1]\n", 1, 1, "an override must be a JSON object"},
        testing::InputErrorCase{"KeyTwice", std::string(kGoodLine) + "\n" + kGoodLine, 3, 1,
                                "override of key k1: the key is listed twice (first at line 1); "
                                "merge the two overrides"},
        testing::InputErrorCase{"NoReason", "{\"key\":\"k1\",\"add\":[\"tax-management-read\"]}\n",
                                1, 1,
                                "override of key k1: no \"reason\": every override says why (a "
                                "ticket, a name)"},
        testing::InputErrorCase{"ScopeOutsideTheCatalog",
                                "{\"key\":\"k1\",\"add\":[\"nope\"],\"reason\":\"r\"}\n", 1, 1,
                                "override of key k1: \"add\": scope \"nope\" is not in the catalog " +
                                    testing::ShippedCatalogPath()},
        testing::InputErrorCase{"UnknownField",
                                "{\"key\":\"k1\",\"add\":[\"tax-management-read\"],\"reason\":\"r\","
                                "\"why\":1}\n",
                                1, 1,
                                "unknown field \"why\" (an override has key, add, remove, reason, "
                                "allow_write)"},
        testing::InputErrorCase{"KeyNotAString", "{\"key\":7,\"add\":[],\"reason\":\"r\"}\n", 1, 1,
                                "\"key\" must be a string"},
        testing::InputErrorCase{"NulInKey",
                                "{\"key\":\"k\\u0000\",\"add\":[\"tax-management-read\"],"
                                "\"reason\":\"r\"}\n",
                                1, 1, "\"key\" holds a NUL character (\\u0000)"},
        testing::InputErrorCase{"ListOfNumbers",
                                "{\"key\":\"k1\",\"add\":[1],\"reason\":\"r\"}\n", 1, 1,
                                "\"add\" must hold strings"}),
    testing::InputErrorCaseName);

TEST_F(OverridesTest, InvalidUtf8IsRefusedAtItsLine) {
  const std::string path = WriteTemp("o.yaml", "version: 1\noverrides:\n  - key: \"k\xff\"\n");
  testing::ExpectInputError([&] { Overrides::Load(path, ShippedCatalog()); }, path, 3, 12,
                            "byte 0xFF is not valid UTF-8; the file must be UTF-8");
}

// The key-dependent rules (SPEC 12.2), through Decide.
struct RefusalCase {
  std::string name;
  std::vector<std::string> roles;
  std::vector<std::string> scopes;  // current
  KeyOverride change;
  bool prune = false;
  bool revoked = false;
  bool no_created_at = false;
  OverrideRefusal::Part part = OverrideRefusal::Part::kEntry;
  size_t index = 0;
  std::string message;
};

void PrintTo(const RefusalCase& c, std::ostream* out) { *out << c.name; }

class OverrideRefusalTest : public ::testing::TestWithParam<RefusalCase> {};

KeyRecord KeyOf(const std::vector<std::string>& roles, const std::vector<std::string>& scopes) {
  KeyRecord key;
  key.id = "k1";
  key.created_at = 0;
  key.roles = roles;
  key.scopes = scopes;
  return key;
}

DecisionOptions Options(bool prune) {
  DecisionOptions options;
  options.cutoff = testing::ShippedMapping().cutoff();
  options.prune = prune;
  return options;
}

TEST_P(OverrideRefusalTest, RefusesWithItsReason) {
  const RefusalCase& c = GetParam();
  KeyRecord key = KeyOf(c.roles, c.scopes);
  key.revoked = c.revoked;
  if (c.no_created_at) key.created_at.reset();
  OverrideRefusal refusal;
  const Decision d =
      Decide(key, testing::ShippedMapping(), Options(c.prune), &c.change, &refusal);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal.message, c.message);
  EXPECT_EQ(refusal.part, c.part);
  EXPECT_EQ(refusal.index, c.index);
  EXPECT_FALSE(d.override);  // decided without it
}

KeyOverride Change(Scopes add, Scopes remove, bool allow_write = false) {
  return KeyOverride{std::move(add), std::move(remove), "r", allow_write};
}

using Part = OverrideRefusal::Part;

INSTANTIATE_TEST_SUITE_P(
    Rules, OverrideRefusalTest,
    ::testing::Values(
        RefusalCase{"AddsWhatTheMappingGives", {"Auditor"}, {}, Change({"tax-management-read"}, {}),
                    false, false, false, Part::kAdd, 0,
                    "adds \"tax-management-read\", which the key would hold anyway: the override "
                    "changes nothing there"},
        RefusalCase{"AddsAKeptExtra", {"Beta preview"}, {"tax-management-read"},
                    Change({"tax-management-read"}, {}), false, false, false, Part::kAdd, 0,
                    "adds \"tax-management-read\", which the key would hold anyway: the override "
                    "changes nothing there"},
        RefusalCase{"RemovesWhatItWouldNotHold", {"Beta preview"}, {},
                    Change({}, {"tax-management-read"}), false, false, false, Part::kRemove, 0,
                    "removes \"tax-management-read\", which the key would not hold: the override "
                    "changes nothing there"},
        RefusalCase{"RemovesAnExtraThatPruneRemovesAnyway", {"Beta preview"},
                    {"tax-management-read"}, Change({}, {"tax-management-read"}), true, false,
                    false, Part::kRemove, 0,
                    "removes \"tax-management-read\", which the key would not hold: the override "
                    "changes nothing there"},
        RefusalCase{"WriteToReadOnlyKey", {"Auditor"}, {},
                    Change({"beta-preview", "tax-management-write"}, {}), false, false, false,
                    Part::kAdd, 1,
                    "adds the write or privileged scope \"tax-management-write\" to a key whose "
                    "roles are all read-only: set allow_write: true if that is meant"},
        RefusalCase{"PrivilegedToReadOnlyKey", {"Auditor"}, {},
                    Change({"custom-payment-provider-write"}, {}), false, false, false, Part::kAdd,
                    0,
                    "adds the write or privileged scope \"custom-payment-provider-write\" to a "
                    "key whose roles are all read-only: set allow_write: true if that is meant"},
        RefusalCase{"BlockedForAnUnknownRole", {"Wizard"}, {}, Change({"tax-management-read"}, {}),
                    false, false, false, Part::kEntry, 0,
                    "the key is blocked (unknown role \"Wizard\"): an override applies only to a "
                    "key the mapping can decide or one with no roles"},
        RefusalCase{"BlockedForMissingCreatedAt", {"Auditor"}, {},
                    Change({"tax-management-write"}, {}, true), false, false, true, Part::kEntry, 0,
                    "the key is blocked (missing created_at): an override applies only to a key "
                    "the mapping can decide or one with no roles"},
        RefusalCase{"Revoked", {"Auditor"}, {}, Change({"tax-management-write"}, {}, true), false,
                    true, false, Part::kEntry, 0,
                    "the key is revoked (skipped): an override applies only to a key that is "
                    "migrated"}),
    [](const ::testing::TestParamInfo<RefusalCase>& info) { return info.param.name; });

// after = ((mapped target ∪ kept extras) − remove) ∪ add.
TEST(OverrideDecisionTest, AddsAndRemovesOnTopOfTheMapping) {
  KeyRecord key = KeyOf({"Product Manager"}, {"beta-preview", "product-management-read"});
  const KeyOverride change = Change({"report-management-read"}, {"product-management-write"});
  OverrideRefusal refusal;
  const Decision d = Decide(key, testing::ShippedMapping(), Options(false), &change, &refusal);
  ASSERT_FALSE(refusal) << refusal.message;
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.target, (Scopes{"contract-order-management-read", "document-management-read",
                              "product-management-read", "report-management-read",
                              "tenant-management-read"}));
  EXPECT_EQ(d.add, (Scopes{"contract-order-management-read", "document-management-read",
                           "report-management-read", "tenant-management-read"}));
  EXPECT_EQ(d.extra, Scopes{"beta-preview"});  // kept without --prune
  EXPECT_TRUE(d.remove.empty());
  ASSERT_TRUE(d.override);
  EXPECT_EQ(*d.override, change);
}

TEST(OverrideDecisionTest, RemoveTakesAScopeOffWithoutPrune) {
  KeyRecord key = KeyOf({"Auditor"}, {"beta-preview"});
  const KeyOverride change = Change({}, {"beta-preview", "tax-management-read"});
  OverrideRefusal refusal;
  const Decision d = Decide(key, testing::ShippedMapping(), Options(false), &change, &refusal);
  ASSERT_FALSE(refusal) << refusal.message;
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.remove, Scopes{"beta-preview"});
  EXPECT_EQ(d.extra, Scopes{"beta-preview"});
  EXPECT_EQ(std::count(d.target.begin(), d.target.end(), "tax-management-read"), 0);
  EXPECT_EQ(d.add.size(), testing::kReadScopes.size() - 1);
}

TEST(OverrideDecisionTest, NoRolesTakesTheAddAsItsWholeTarget) {
  KeyRecord key = KeyOf({}, {"beta-preview"});
  const KeyOverride change = Change({"report-management-read"}, {});
  OverrideRefusal refusal;
  const Decision d = Decide(key, testing::ShippedMapping(), Options(false), &change, &refusal);
  ASSERT_FALSE(refusal) << refusal.message;
  EXPECT_EQ(d.status, Status::kChange);
  EXPECT_EQ(d.target, Scopes{"report-management-read"});
  EXPECT_EQ(d.add, Scopes{"report-management-read"});
  EXPECT_EQ(d.extra, Scopes{"beta-preview"});
  // A key with no roles has no read-only role: a write scope needs no allow_write.
  const KeyOverride write = Change({"report-management-write"}, {});
  EXPECT_EQ(Decide(key, testing::ShippedMapping(), Options(false), &write, &refusal).status,
            Status::kChange);
  EXPECT_FALSE(refusal);
}

TEST(OverrideDecisionTest, NothingLeftIsBlockedNoScopes) {
  KeyRecord key = KeyOf({"Beta preview"}, {"beta-preview"});
  const KeyOverride change = Change({}, {"beta-preview"});
  OverrideRefusal refusal;
  const Decision d = Decide(key, testing::ShippedMapping(), Options(false), &change, &refusal);
  ASSERT_FALSE(refusal) << refusal.message;
  EXPECT_EQ(d.status, Status::kBlocked);
  EXPECT_EQ(d.reason, "no scopes");
  EXPECT_TRUE(d.add.empty());
  EXPECT_TRUE(d.remove.empty());
  ASSERT_TRUE(d.override);
}

TEST(OverrideDecisionTest, AllowWriteLetsAReadOnlyKeyGainAWriteScope) {
  KeyRecord key = KeyOf({"Auditor"}, {});
  const KeyOverride change = Change({"access-management-write"}, {}, true);
  OverrideRefusal refusal;
  const Decision d = Decide(key, testing::ShippedMapping(), Options(false), &change, &refusal);
  ASSERT_FALSE(refusal) << refusal.message;
  EXPECT_EQ(std::count(d.add.begin(), d.add.end(), "access-management-write"), 1);
}

TEST(OverrideDecisionTest, WithoutAnOverrideTheDecisionIsSectionFives) {
  KeyRecord key = KeyOf({"Beta preview"}, {"tax-management-read"});
  const Decision with_null = Decide(key, testing::ShippedMapping(), Options(true));
  EXPECT_EQ(with_null.status, Status::kChange);
  EXPECT_EQ(with_null.remove, Scopes{"tax-management-read"});
  EXPECT_FALSE(with_null.override);
}

}  // namespace
}  // namespace scope_migrate
