#include "support/test_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "base/errors.h"

namespace scope_migrate::testing {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& args) {
  static std::vector<std::string> storage;
  storage.assign(1, SCOPE_MIGRATE_BIN);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

void ChildSetup(const Env& env) {
  for (const char* name : {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE"}) {
    if (env.count(name) == 0) unsetenv(name);
  }
  for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
  if (chdir(SCOPE_MIGRATE_SOURCE_DIR) != 0) _exit(126);
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ToolResult RunTool(const std::vector<std::string>& args, const Env& env) {
  const std::string dir = MakeTempDir();
  const std::string out_path = dir + "/out", err_path = dir + "/err";
  const pid_t pid = SpawnTool(args, env, out_path, err_path);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  ToolResult result;
  result.exit_code = ExitCodeOf(status);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  result.max_rss_kib = usage.ru_maxrss;
  std::system(("rm -rf " + dir).c_str());
  return result;
}

pid_t SpawnTool(const std::vector<std::string>& args, const Env& env, const std::string& out_path,
                const std::string& err_path) {
  auto argv = Argv(args);
  const pid_t pid = fork();
  if (pid == 0) {
    ChildSetup(env);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int WaitTool(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return ExitCodeOf(status);
}

std::string SourceDir() { return SCOPE_MIGRATE_SOURCE_DIR; }
std::string SourcePath(const std::string& relative) { return SourceDir() + "/" + relative; }

std::vector<std::string>& TempDirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

std::string MakeTempDir() {
  char path[] = "/tmp/scope-migrate-test.XXXXXX";
  if (mkdtemp(path) == nullptr) throw std::runtime_error("mkdtemp failed");
  // Removed when the test binary exits. The first call registers the clean-up, so it runs
  // after the destructor of the PostgreSQL harness, which is built later and stops the
  // cluster living in one of these directories first.
  static const bool registered = [] {
    TempDirs();  // built before the handler is registered, so destroyed after it runs
    std::atexit([] {
      std::error_code ignored;
      for (const auto& dir : TempDirs()) std::filesystem::remove_all(dir, ignored);
    });
    return true;
  }();
  (void)registered;
  TempDirs().push_back(path);
  return path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

void TempDirTest::TearDown() {
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

const std::string& TempDirTest::Dir() {
  if (dir_.empty()) dir_ = MakeTempDir();
  return dir_;
}

std::string TempDirTest::WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = Dir() + "/" + name;
  WriteFile(path, content);
  return path;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = SourcePath("tests/golden/" + name);
  const char* update = std::getenv("SCOPE_MIGRATE_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    WriteFile(path, actual);
    return;
  }
  const std::string expected = ReadFile(path);
  EXPECT_FALSE(expected.empty()) << "missing golden file " << path
                                 << " (run with SCOPE_MIGRATE_UPDATE_GOLDEN=1 to create it)";
  EXPECT_EQ(expected, actual) << "differs from " << path;
}

std::string NormalizeReport(std::string report) {
  report = std::regex_replace(report, std::regex("postgresql://[^/\" ]+/[A-Za-z0-9_]+"),
                              "postgresql://HOST:PORT/DB");
  report = std::regex_replace(report, std::regex("\"sha256\":\"[0-9a-f]{64}\""),
                              "\"sha256\":\"SHA256\"");
  // The plan's checksum as each report prints it, and the commit the tool was built from.
  report = std::regex_replace(
      report, std::regex("(plan sha256 |,sha256 |Plan sha256: `)[0-9a-f]{64}"), "$1SHA256");
  report = std::regex_replace(report, std::regex("\"tool_commit\":\"[^\"]*\""),
                              "\"tool_commit\":\"COMMIT\"");
  // The server and database the plan was made on differ on every test run.
  report = std::regex_replace(report, std::regex("\"system_identifier\":\"[0-9]+\""),
                              "\"system_identifier\":\"SYSID\"");
  report = std::regex_replace(report, std::regex("\"database\":\"[^\"]*\""), "\"database\":\"DB\"");
  report =
      std::regex_replace(report, std::regex("fixtures:/[^\" \n|`]+/samples/"), "fixtures:samples/");
  return report;
}

void ExpectInputError(const std::function<void()>& load, const std::string& path, int line, int col,
                      const std::string& message) {
  try {
    load();
    ADD_FAILURE() << "loading " << path << " succeeded";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()),
              path + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + message);
  }
}

void PrintTo(const InputErrorCase& c, std::ostream* out) { *out << c.name; }

std::string InputErrorCaseName(const ::testing::TestParamInfo<InputErrorCase>& info) {
  return info.param.name;
}

}  // namespace scope_migrate::testing
