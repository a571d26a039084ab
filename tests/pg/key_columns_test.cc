// The pieces of key_columns.h that turn what the database yields into lists and write the
// SELECT list for each shape (no database).
#include "pg/key_columns.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace scope_migrate {
namespace {

TEST(KeyColumnsTest, TablesYieldArraysAndUnresolvedIds) {
  ResolvedLayout l;
  l.roles_shape = Shape::kIds;
  std::vector<std::string> roles;
  EXPECT_EQ(ReadRoles(l, std::string("{Admin,\"Super User\"}"), std::nullopt, roles), "");
  EXPECT_EQ(roles, (std::vector<std::string>{"Admin", "Super User"}));
  EXPECT_EQ(ReadRoles(l, std::nullopt, std::string("99"), roles), "unknown role id \"99\"");
  EXPECT_TRUE(roles.empty());
  std::vector<std::string> scopes;
  EXPECT_EQ(ReadScopes(l, std::nullopt, scopes), "");
  EXPECT_TRUE(scopes.empty());
}

TEST(KeyColumnsTest, ColumnsParseInTheirFormatOrSayWhy) {
  ResolvedLayout l;
  l.roles_shape = l.scopes_shape = Shape::kColumn;
  l.roles_format.format = ValueFormat::kJson;
  l.scopes_format.format = ValueFormat::kDelimited;
  l.scopes_format.separator = " ";
  std::vector<std::string> roles, scopes;
  EXPECT_EQ(ReadRoles(l, std::string(R"({"a": 1})"), std::nullopt, roles),
            "roles value does not parse: a JSON object, not an array");
  EXPECT_EQ(ReadRoles(l, std::string(R"(["Admin", "Auditor"])"), std::nullopt, roles), "");
  EXPECT_EQ(roles, (std::vector<std::string>{"Admin", "Auditor"}));
  EXPECT_EQ(ReadScopes(l, std::string(" read  write "), scopes), "");
  EXPECT_EQ(scopes, (std::vector<std::string>{"read", "write"}));
  l.scopes_format.format = ValueFormat::kArray;
  EXPECT_EQ(ReadScopes(l, std::string("[\"a\", null]"), scopes),
            "scopes value does not parse: element 2 is NULL");
}

TEST(KeyColumnsTest, SqlReadsOnlyWhatTheShapeHas) {
  ResolvedLayout l;
  l.keys = "\"t\"";
  l.id = "\"id\"";
  l.roles_shape = l.scopes_shape = Shape::kColumn;
  l.roles_column = "\"r\"";
  l.scopes_column = "\"s\"";
  l.scopes_format.format = ValueFormat::kArray;
  const KeyColumnsSql sql = RolesAndScopesSql(l, Reach::kEachKey, true);
  EXPECT_EQ(sql.joins, "");
  EXPECT_EQ(sql.select,
            "to_json(k.\"r\")::text, NULL::text, to_json(k.\"s\")::text, k.\"s\"::text");
  EXPECT_EQ(ReadObjects(l), "\"t\"");
  EXPECT_EQ(RolesAndScopesSql(l, Reach::kAllKeys, false).select,
            "to_json(k.\"r\")::text, NULL::text, to_json(k.\"s\")::text, NULL::text");
}

}  // namespace
}  // namespace scope_migrate
