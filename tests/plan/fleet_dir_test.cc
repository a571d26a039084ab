// The directory of a fleet plan (no database): which directories plan --out DIR refuses,
// and DIR replaced as a whole by Commit() or left as it was without it.
#include "plan/fleet_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "base/errors.h"
#include "base/string_lists.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

class FleetPlanDirTest : public testing::TempDirTest {
 protected:
  std::set<std::string> Files(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }
};

TEST_F(FleetPlanDirTest, RefusesDirectoriesOthersCanChangeOrThatHoldOtherFiles) {
  const std::string dir = Dir() + "/plans";
  EXPECT_EQ(FleetDirProblem(dir), "");  // new
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  testing::WriteFile(dir + "/index.json", "{}");
  testing::WriteFile(dir + "/eu-1.jsonl", "");
  testing::WriteFile(dir + "/eu-1.jsonl.partial-ab12cd34", "");
  EXPECT_EQ(FleetDirProblem(dir + "/"), "");
  chmod(dir.c_str(), 0770);
  EXPECT_EQ(FleetDirProblem(dir), dir +
                                      " can be written by group or others (mode 0770), who "
                                      "could change the plans after review");
  chmod(dir.c_str(), 0700);
  testing::WriteFile(dir + "/notes.txt", "");
  EXPECT_EQ(FleetDirProblem(dir), dir +
                                      " holds notes.txt, which is not part of a fleet plan (the "
                                      "directory is replaced as a whole)");
  ASSERT_EQ(symlink(dir.c_str(), (Dir() + "/link").c_str()), 0);
  EXPECT_EQ(FleetDirProblem(Dir() + "/link"),
            Dir() + "/link is a symbolic link; give --out the directory itself");
  try {
    FleetPlanDir refused(dir);
    ADD_FAILURE() << "accepted";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 64);
  }
}

TEST_F(FleetPlanDirTest, ReplacesTheDirectoryWholeOrLeavesItAsItWas) {
  const std::string dir = Dir() + "/plans";
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  testing::WriteFile(dir + "/index.json", "old");
  testing::WriteFile(dir + "/us-1.jsonl", "old");
  {
    FleetPlanDir staged(dir);
    testing::WriteFile(staged.staging() + "/index.json", "new");
    EXPECT_EQ(staged.Untouched(), dir + " was left as it was");
  }
  EXPECT_EQ(Files(Dir()), (std::set<std::string>{"plans"}));  // no staging left behind
  EXPECT_EQ(testing::ReadFile(dir + "/index.json"), "old");
  {
    FleetPlanDir staged(dir);
    testing::WriteFile(staged.staging() + "/index.json", "new");
    testing::WriteFile(staged.staging() + "/eu-1.jsonl", "new");
    staged.Commit();
  }
  EXPECT_EQ(Files(Dir()), (std::set<std::string>{"plans"}));
  EXPECT_EQ(Files(dir), (std::set<std::string>{"index.json", "eu-1.jsonl"}));
  EXPECT_EQ(testing::ReadFile(dir + "/index.json"), "new");
  {
    FleetPlanDir fresh(Dir() + "/other");
    EXPECT_EQ(fresh.Untouched(), Dir() + "/other was not created");
    fresh.Commit();
  }
  EXPECT_TRUE(std::filesystem::is_directory(Dir() + "/other"));
}

TEST(CountOfTest, SaysOneAndMany) {
  EXPECT_EQ(CountOf(0, "target"), "0 targets");
  EXPECT_EQ(CountOf(1, "target"), "1 target");
  EXPECT_EQ(CountOf(3, "target"), "3 targets");
}

}  // namespace
}  // namespace scope_migrate
