// The targets file of a fleet (no database): what it accepts, and each refusal at
// FILE:LINE:COL, a password above all, which is refused without being echoed.
#include "pg/targets_file.h"

#include <gtest/gtest.h>

#include "base/errors.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

class TargetsFileTest : public testing::TempDirTest {
 protected:
  void SetUp() override { path_ = Dir() + "/fleet.yaml"; }

  std::vector<Target> Load(const std::string& body) {
    testing::WriteFile(path_, body);
    return LoadTargets(path_);
  }

  void ExpectError(const std::string& body, int line, int col, const std::string& message) {
    testing::WriteFile(path_, body);
    testing::ExpectInputError([&] { LoadTargets(path_); }, path_, line, col, message);
  }

  std::string path_;
};

TEST_F(TargetsFileTest, ReadsTargetsInOrderWithTheirConninfoAndLayout) {
  const auto targets = Load(
      "targets:\n"
      "  - name: eu-1\n    db: \"host=db-eu-1 dbname=billing\"\n    layout: layouts/eu.yaml\n"
      "  - name: us-1\n    service: billing-us-1\n"
      "  - name: local\n    db: billing\n    layout: /etc/layout.yaml\n");
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_EQ(targets[0].name, "eu-1");
  EXPECT_EQ(targets[0].Conninfo(), "host=db-eu-1 dbname=billing");
  EXPECT_EQ(*targets[0].layout, Dir() + "/layouts/eu.yaml");  // beside the targets file
  EXPECT_EQ(targets[0].line, 2);
  EXPECT_EQ(targets[1].Conninfo(), "service='billing-us-1'");
  EXPECT_FALSE(targets[1].layout);
  EXPECT_EQ(targets[2].Conninfo(), "dbname='billing'");
  EXPECT_EQ(*targets[2].layout, "/etc/layout.yaml");
  EXPECT_EQ(targets[1].Describe(), "us-1 (service='billing-us-1')");
}

TEST_F(TargetsFileTest, RefusesAPasswordWithoutShowingIt) {
  // sslpassword: regression (issue 27, finding 6), it went to index.json and a child's argv.
  for (const std::string db : {"host=h password=hunter2 dbname=b", "postgresql://u:hunter2@h/b",
                               "postgresql://h/b?password=hunter2", "host=h sslpassword=hunter2",
                               "postgresql://h/b?sslpassword=hunter2"}) {
    testing::WriteFile(path_, "targets:\n  - name: eu-1\n    db: \"" + db + "\"\n");
    try {
      LoadTargets(path_);
      ADD_FAILURE() << "accepted " << db;
    } catch (const ToolError& e) {
      EXPECT_EQ(e.exit_code(), 65);
      EXPECT_EQ(std::string(e.what()),
                path_ +
                    ":3:9: target eu-1: a password in the connection string (not shown); give "
                    "it in ~/.pgpass or PGPASSFILE instead");
      EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
    }
  }
}

// Regression (issue 27, finding 14): a NUL (YAML's "\\0") hid the password after it from
// libpq, so the target was accepted and the whole text, password included, went to
// index.json. Any control character is refused, and nothing of the text is shown.
TEST_F(TargetsFileTest, RefusesAControlCharacterThatCouldHideAPassword) {
  for (const std::string db : {"dbname=b\\0 password=hunter2", "dbname=b\\x01password=hunter2",
                               "dbname=b\\npassword=hunter2", "dbname=b\\e[2J"}) {
    testing::WriteFile(path_, "targets:\n  - name: eu-1\n    db: \"" + db + "\"\n");
    try {
      LoadTargets(path_);
      ADD_FAILURE() << "accepted " << db;
    } catch (const ToolError& e) {
      EXPECT_EQ(e.exit_code(), 65);
      EXPECT_EQ(std::string(e.what()),
                path_ +
                    ":3:9: target eu-1: a control character in the connection string (not "
                    "shown); write it on one line of printable characters");
    }
  }
}

TEST_F(TargetsFileTest, RefusesEachBrokenEntryAtItsPlace) {
  ExpectError("targets: []\n", 1, 10,
              "the targets file needs a list `targets:` of at least one target");
  ExpectError("targets:\n  - db: x\n", 2, 5, "a target needs a name");
  ExpectError("targets:\n  - name: EU/1\n    db: x\n", 2, 11,
              "a target's name is 1 to 63 characters of a-z, 0-9 and \"-\" (it names the plan "
              "file NAME.jsonl)");
  ExpectError("targets:\n  - name: eu-1\n", 2, 5,
              "target eu-1 needs one of db (a conninfo) and service");
  ExpectError("targets:\n  - name: eu-1\n    db: x\n    service: y\n", 2, 5,
              "target eu-1 needs one of db (a conninfo) and service");
  ExpectError("targets:\n  - name: eu-1\n    db: a\n  - name: eu-1\n    db: b\n", 4, 11,
              "target name eu-1 is used twice");
  ExpectError("targets:\n  - name: eu-1\n    db: \"host='unterminated\"\n", 3, 9,
              "target eu-1: libpq cannot parse this connection string (not shown)");
  ExpectError("targets:\n  - name: eu-1\n    db: x\n    port: 5\n", 4, 5,
              "unknown key \"port\" in a target (expected one of: name, db, service, layout)");
}

TEST_F(TargetsFileTest, SelectsTargetsByNameInTheFilesOrder) {
  const auto targets =
      Load("targets:\n  - {name: a, db: x}\n  - {name: b, db: y}\n  - {name: c, db: z}\n");
  const auto selected = SelectTargets(targets, {"c", "a"}, "fleet.yaml");
  ASSERT_EQ(selected.size(), 2u);
  EXPECT_EQ(selected[0].name, "a");
  EXPECT_EQ(selected[1].name, "c");
  try {
    SelectTargets(targets, {"d"}, "fleet.yaml");
    ADD_FAILURE();
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 64);
    EXPECT_EQ(std::string(e.what()), "--target d is not a target of fleet.yaml (a, b, c)");
  }
}

}  // namespace
}  // namespace scope_migrate
