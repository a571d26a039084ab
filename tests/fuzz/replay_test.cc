// Replays every file of each committed fuzz corpus (tests/fuzz/<target>/) through its entry,
// in the ordinary build and the sanitizer builds: a crash, a sanitizer report or a broken
// invariant once found by scripts/fuzz.sh stays fixed. One test per target.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"

namespace scope_migrate::fuzz {
namespace {

namespace fs = std::filesystem;

class FuzzReplayTest : public testing::TestWithParam<FuzzTarget> {};

std::vector<fs::path> CorpusFiles(const std::string& target) {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(SCOPE_MIGRATE_SOURCE_DIR) / "tests/fuzz" / target;
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST_P(FuzzReplayTest, EveryCorpusFileIsHandled) {
  const std::vector<fs::path> files = CorpusFiles(GetParam().name);
  ASSERT_FALSE(files.empty()) << "no seed corpus in tests/fuzz/" << GetParam().name;
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(GetParam().entry(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, FuzzReplayTest, testing::ValuesIn(kFuzzTargets),
                         [](const testing::TestParamInfo<FuzzTarget>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace scope_migrate::fuzz
