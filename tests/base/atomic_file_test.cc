#include "base/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "base/errors.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

namespace fs = std::filesystem;

class AtomicFileTest : public testing::TempDirTest {
 protected:
  static mode_t ModeOf(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  size_t Entries() { return static_cast<size_t>(std::distance(fs::directory_iterator(Dir()), {})); }
};

TEST_F(AtomicFileTest, CommitRenamesAPrivateFileOverTheTarget) {
  const std::string target = WriteTemp("out.txt", "old, world-readable");
  chmod(target.c_str(), 0644);
  {
    AtomicFile file(target);
    EXPECT_EQ(file.temp_path().rfind(target + ".partial-", 0), 0u) << file.temp_path();
    EXPECT_EQ(ModeOf(file.temp_path()), 0600u);
    std::FILE* f = file.TakeFile();
    std::fputs("new", f);
    std::fclose(f);
    EXPECT_EQ(testing::ReadFile(target), "old, world-readable");  // untouched until Commit
    file.Commit();
  }
  EXPECT_EQ(testing::ReadFile(target), "new");
  EXPECT_EQ(ModeOf(target), 0600u);
  EXPECT_EQ(Entries(), 1u);
}

TEST_F(AtomicFileTest, CommitWritesAFileNotTaken) {
  const std::string target = Dir() + "/out.txt";
  AtomicFile file(target);
  file.Commit();
  EXPECT_EQ(testing::ReadFile(target), "");
}

TEST_F(AtomicFileTest, WithoutCommitTheTemporaryIsRemovedAndTheTargetKept) {
  const std::string target = WriteTemp("out.txt", "kept");
  { AtomicFile file(target); }
  EXPECT_EQ(testing::ReadFile(target), "kept");
  EXPECT_EQ(Entries(), 1u);
}

// Regression (case 7): the temporary was TARGET.partial opened with fopen, so a symlink
// planted there sent the plan into the file it pointed at.
TEST_F(AtomicFileTest, SymlinksAreNeverFollowed) {
  const std::string victim = WriteTemp("victim", "precious");
  const std::string target = Dir() + "/out.txt";
  ASSERT_EQ(symlink(victim.c_str(), (target + ".partial").c_str()), 0);
  ASSERT_EQ(symlink(victim.c_str(), target.c_str()), 0);
  AtomicFile file(target);
  std::FILE* f = file.TakeFile();
  std::fputs("plan", f);
  std::fclose(f);
  file.Commit();
  EXPECT_EQ(testing::ReadFile(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(target));  // the link at the target is replaced, not followed
  EXPECT_EQ(testing::ReadFile(target), "plan");
  EXPECT_TRUE(fs::is_symlink(target + ".partial"));
}

TEST_F(AtomicFileTest, AMissingDirectoryIsAFailureNamingTheTarget) {
  const std::string target = Dir() + "/no/such/out.txt";
  try {
    AtomicFile file(target);
    ADD_FAILURE() << "created a file in a missing directory";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_EQ(std::string(e.what()).rfind(
                  "cannot write " + target + ": cannot create " + target + ".partial-", 0),
              0u)
        << e.what();
    EXPECT_NE(std::string(e.what()).find(": No such file or directory"), std::string::npos);
  }
}

}  // namespace
}  // namespace scope_migrate
