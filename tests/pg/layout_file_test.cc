// The layout file's own rules (no database): shapes, formats and where each entry is.
#include <gtest/gtest.h>

#include "pg/layout_file.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

class LayoutTest : public testing::TempDirTest {
 protected:
  void SetUp() override { path_ = Dir() + "/layout.yaml"; }

  Layout Load(const std::string& body) {
    testing::WriteFile(path_, body);
    return Layout::Load(path_);
  }

  void ExpectError(const std::string& body, int line, int col, const std::string& message) {
    testing::WriteFile(path_, body);
    testing::ExpectInputError([&] { Layout::Load(path_); }, path_, line, col, message);
  }

  std::string path_;
};

TEST_F(LayoutTest, DefaultsAreTheStandardTables) {
  const Layout layout = Load("keys: {table: api_keys}\n");
  EXPECT_EQ(layout.roles_table, "api_key_roles");
  EXPECT_FALSE(layout.roles_column);
  EXPECT_FALSE(layout.scopes_column);
  EXPECT_FALSE(layout.role_names);
  ASSERT_TRUE(layout.revoked_at);
}

TEST_F(LayoutTest, ReadsEachShape) {
  const Layout layout = Load(
      "keys: {table: t, revoked_at: null}\n"
      "roles: {table: r, key: k, role: role_id, names: {table: n, id: nid, name: label}}\n"
      "scopes: {column: scopes, format: delimited, separator: \" \"}\n");
  EXPECT_FALSE(layout.revoked_at);
  ASSERT_TRUE(layout.role_names);
  EXPECT_EQ(layout.role_names->table, "n");
  EXPECT_EQ(layout.role_names->id, "nid");
  EXPECT_EQ(layout.role_names->name, "label");
  ASSERT_TRUE(layout.scopes_column);
  EXPECT_EQ(layout.scopes_column->column, "scopes");
  EXPECT_EQ(layout.scopes_column->format.format, ValueFormat::kDelimited);
  EXPECT_EQ(layout.scopes_column->format.separator, " ");
  EXPECT_EQ(layout.positions.at("scopes.separator"), std::make_pair(3, 56));

  const Layout json = Load("roles: {column: abilities, format: json}\n");
  ASSERT_TRUE(json.roles_column);
  EXPECT_EQ(json.roles_column->format.format, ValueFormat::kJson);
}

TEST_F(LayoutTest, ReadsTheUsageTable) {
  EXPECT_FALSE(Load("keys: {table: api_keys}\n").usage);

  const Layout defaults = Load("usage: {}\n");
  ASSERT_TRUE(defaults.usage);
  EXPECT_EQ(defaults.usage->table, "api_request_log");
  EXPECT_EQ(defaults.usage->key, "api_key_id");
  EXPECT_EQ(defaults.usage->method, "method");
  EXPECT_EQ(defaults.usage->path, "path");
  EXPECT_EQ(defaults.usage->at, "requested_at");
  EXPECT_EQ(defaults.usage->status, std::optional<std::string>("status"));
  EXPECT_EQ(defaults.usage->count, std::nullopt);
  EXPECT_EQ(defaults.usage->timezone, std::nullopt);

  const Layout renamed = Load(
      "usage:\n"
      "  table: logs.calls\n"
      "  key: token\n"
      "  method: verb\n"
      "  path: uri\n"
      "  at: called_at\n"
      "  status: null\n"
      "  count: n\n"
      "  timezone: Europe/Berlin\n");
  ASSERT_TRUE(renamed.usage);
  EXPECT_EQ(renamed.usage->table, "logs.calls");
  EXPECT_EQ(renamed.usage->key, "token");
  EXPECT_EQ(renamed.usage->method, "verb");
  EXPECT_EQ(renamed.usage->path, "uri");
  EXPECT_EQ(renamed.usage->at, "called_at");
  EXPECT_EQ(renamed.usage->status, std::nullopt);
  EXPECT_EQ(renamed.usage->count, std::optional<std::string>("n"));
  EXPECT_EQ(renamed.usage->timezone, std::optional<std::string>("Europe/Berlin"));
  EXPECT_EQ(renamed.positions.at("usage.at"), std::make_pair(6, 7));
  EXPECT_EQ(renamed.positions.at("usage"), std::make_pair(2, 3));

  ExpectError("usage: {tabel: x}\n", 1, 9,
              "unknown key \"tabel\" in usage (expected one of: table, key, method, path, at, "
              "status, count, timezone)");
  ExpectError("usage: {at: \"\"}\n", 1, 13, "at is empty");
  ExpectError("usage: {method: null}\n", 1, 17, "method must be a string");
}

TEST_F(LayoutTest, RefusesWhatCannotBeMeant) {
  ExpectError("roles: {column: r}\n", 1, 17,
              "roles.column needs a format: array, json or delimited");
  ExpectError("roles: {column: r, format: csv}\n", 1, 28,
              "roles.format \"csv\" is not one of array, json, delimited");
  ExpectError("scopes: {column: s, format: json, separator: \";\"}\n", 1, 46,
              "scopes.separator is only for format delimited");
  ExpectError("scopes: {column: s, format: delimited, separator: \"\"}\n", 1, 51,
              "scopes.separator is empty");
  ExpectError("scopes: {format: array}\n", 1, 18, "scopes.format needs scopes.column");
  ExpectError("roles: {column: r, format: array, names: {table: n}}\n", 1, 42,
              "roles.names cannot be combined with roles.column: roles are either rows of a "
              "table or a column of the keys table");
  ExpectError("roles: {names: {id: x}}\n", 1, 16,
              "roles.names needs a table (and its id and name columns)");
}

// PostgreSQL cuts names past 63 bytes: two long names could be one column. A control
// character (NUL included) cannot be part of an identifier the server keeps as written.
TEST_F(LayoutTest, RefusesIdentifiersPostgresqlWouldNotKeepAsWritten) {
  const std::string long_name(64, 'r');
  ExpectError("roles: {column: " + long_name + ", format: array}\n", 1, 17,
              "roles.column \"" + long_name +
                  "\" is 64 bytes: PostgreSQL identifiers are at most 63 bytes (a longer one is "
                  "cut and may name another column)");
  ExpectError("keys: {table: billing." + long_name + "}\n", 1, 15,
              "keys.table \"" + long_name +
                  "\" is 64 bytes: PostgreSQL identifiers are at most 63 bytes (a longer one is "
                  "cut and may name another column)");
  EXPECT_EQ(Load("keys: {table: " + std::string(63, 's') + "." + std::string(63, 't') + "}\n")
                .keys_table.size(),
            127u);
  ExpectError("keys: {id: \"i\\0d\"}\n", 1, 12,
              "keys.id \"i\\x00d\" contains a control character; identifiers cannot");
  ExpectError("scopes: {scope: \"a\\tb\"}\n", 1, 17,
              "scopes.scope \"a\\tb\" contains a control character; identifiers cannot");
  ExpectError("keys: {tenant: \"t\\x1b[2J\"}\n", 1, 16,
              "keys.tenant \"t\\x1b[2J\" contains a control character; identifiers cannot");
}

TEST_F(LayoutTest, ADelimitedScopesColumnMustHoldEveryScope) {
  const Layout comma = Load("scopes: {column: s, format: delimited}\n");
  EXPECT_NO_THROW(CheckScopesWritable(comma, {"invoices-read", "beta-preview"}));
  const Layout dash = Load("scopes: {column: s, format: delimited, separator: \"-\"}\n");
  testing::ExpectInputError(
      [&] {
        CheckScopesWritable(dash, {"beta", "beta-preview"});
      },
      path_, 1, 51,
      "scope \"beta-preview\" of the catalog holds the separator \"-\": it cannot be "
      "written into scopes.column");
}

}  // namespace
}  // namespace scope_migrate
