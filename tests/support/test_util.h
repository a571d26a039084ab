// Helpers for every test, with no database: run the built scope-migrate binary and capture
// what it prints, spawn it in the background (for lock, kill and signal tests), temporary
// files and directories (removed when the test binary exits, or after each test with
// TempDirTest), golden files, and the expectation that a loader fails with exactly
// FILE:LINE:COL. The shipped mapping is in shipped_mapping.h, the database readers in
// db_util.h.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace scope_migrate::testing {

struct ToolResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  long max_rss_kib = 0;
};

using Env = std::map<std::string, std::string>;

// False in an AddressSanitizer or ThreadSanitizer build (-DSANITIZE, which builds the binary
// the tests run the same way as the tests): there the peak RSS holds the sanitizer's shadow
// memory (and ASan's quarantine of freed blocks), not the tool's own, so a test keeps
// everything else it checks and skips only its bound on ToolResult::max_rss_kib.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kPeakRssIsTheTools = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kPeakRssIsTheTools = false;
#else
inline constexpr bool kPeakRssIsTheTools = true;
#endif
#else
inline constexpr bool kPeakRssIsTheTools = true;
#endif

// Runs the binary with `args` (and extra environment) from the project's source dir.
ToolResult RunTool(const std::vector<std::string>& args, const Env& env = {});

// Starts the binary in the background with stdout/stderr to files; returns its pid.
pid_t SpawnTool(const std::vector<std::string>& args, const Env& env, const std::string& out_path,
                const std::string& err_path);
// Waits for a spawned process; returns its exit code (128+signal when killed).
int WaitTool(pid_t pid);

std::string SourceDir();
std::string SourcePath(const std::string& relative);  // SourceDir() + "/" + relative
std::string MakeTempDir();
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

// Compares `actual` with tests/golden/<name>; with SCOPE_MIGRATE_UPDATE_GOLDEN=1 rewrites it.
void ExpectGolden(const std::string& name, const std::string& actual);

// Replaces the parts of a report that change from run to run (server port, the tool's
// commit, the plan checksums over them) with fixed placeholders.
std::string NormalizeReport(std::string report);

// A fixture with a temporary directory of its own: made on first use of Dir(), removed
// with what it holds after each test.
class TempDirTest : public ::testing::Test {
 protected:
  void TearDown() override;
  const std::string& Dir();
  // Writes `content` as Dir()/name and returns that path.
  std::string WriteTemp(const std::string& name, const std::string& content);

 private:
  std::string dir_;
};

// `load` must throw ToolError(65) with exactly "path:line:col: message".
void ExpectInputError(const std::function<void()>& load, const std::string& path, int line, int col,
                      const std::string& message);

// One row of a table of malformed inputs: `text` written as the file must fail to load
// with exactly "path:line:col: message". `name` names the case in the test list.
struct InputErrorCase {
  std::string name;
  std::string text;
  int line = 0;
  int col = 0;
  std::string message;
};
void PrintTo(const InputErrorCase& c, std::ostream* out);  // the name, not the bytes
std::string InputErrorCaseName(const ::testing::TestParamInfo<InputErrorCase>& info);

}  // namespace scope_migrate::testing
