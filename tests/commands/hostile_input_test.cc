// The command-level cases of SPEC 11.5 and 11.4 that need no database: a plan file checked
// against --mapping and --expect-sha256 before any connection (the --db "x" of these tests
// is never reached unless the plan passes, and then the connection fails with 1).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "base/file_streams.h"
#include "base/sha256.h"
#include "base/string_lists.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

using testing::RunTool;
using testing::ToolResult;

const char kMapping[] = "mappings/legacy-roles.yaml";
const char kFixtures[] = "samples/fixtures.yaml";

class HostileInputTest : public testing::TempDirTest {
 protected:
  // A plan of the sample fixtures made with `mapping`, its header's source made a database
  // (and re-signed) so that apply reads it; returns its path and sets `sha256`.
  std::string DatabasePlan(const std::string& mapping, std::string* sha256 = nullptr,
                           const std::vector<std::string>& extra = {},
                           const std::vector<std::string>& drop_from_header = {}) {
    std::vector<std::string> args = {"plan",  "--fixtures", kFixtures, "--mapping",
                                     mapping, "--format",   "jsonl",   "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ToolResult r = RunTool(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    nlohmann::ordered_json header = nlohmann::ordered_json::parse(lines.at(0));
    header["source"] = "postgresql://db.example:5432/billing";
    for (const std::string& field : drop_from_header) header.erase(field);
    lines[0] = header.dump();
    std::string body;
    for (size_t i = 0; i + 1 < lines.size(); ++i) body += lines[i] + "\n";
    nlohmann::ordered_json summary = nlohmann::ordered_json::parse(lines.back());
    summary["sha256"] = Sha256Hex(body);
    if (sha256 != nullptr) *sha256 = Sha256Hex(body);
    return WriteTemp("plan.jsonl", body + summary.dump() + "\n");
  }

  // The shipped mapping with one role's description changed: another sha256, same roles.
  std::string OtherMapping() {
    std::string text = testing::ReadFile(testing::SourcePath(kMapping));
    text.replace(text.find("roles:"), 6, "# another file\nroles:");
    const std::string dir = Dir() + "/other";
    std::filesystem::create_directories(dir);
    testing::WriteFile(dir + "/legacy-roles.yaml", text);
    std::filesystem::copy(
        testing::SourcePath("mappings"), dir,
        std::filesystem::copy_options::skip_existing | std::filesystem::copy_options::recursive);
    return dir + "/legacy-roles.yaml";
  }
};

// Regression (issue 27, finding 11): a plan made with --cutoff 2099-..., its mapping_cutoff
// deleted and the file re-hashed, was applied with --mapping legacy-roles.yaml (post-cutoff
// keys written), and show no longer said the cutoff was overridden. A pinned apply takes
// the cutoff from the trusted mapping and refuses any other, recorded or not.
TEST_F(HostileInputTest, APinnedApplyRefusesAnotherCutoff) {
  const std::string sha = Sha256Hex(testing::ReadFile(testing::SourcePath(kMapping)));
  const std::string refused =
      ":1:1: the plan's cutoff is 2099-01-01T00:00:00Z, the cutoff of " + std::string(kMapping) +
      " (sha256 " + sha +
      ") is 2026-03-22T23:00:00Z: a plan applied with --mapping uses that mapping's cutoff, so "
      "keys it leaves out are never written; make the plan again without --cutoff\n";
  for (const std::vector<std::string>& drop :
       {std::vector<std::string>{"mapping_cutoff"}, std::vector<std::string>{}}) {
    const std::string plan =
        DatabasePlan(kMapping, nullptr, {"--cutoff", "2099-01-01T00:00:00Z"}, drop);
    const ToolResult r = RunTool({"apply", "--db", "x", plan, "--mapping", kMapping});
    EXPECT_EQ(r.exit_code, 65) << r.err;
    EXPECT_EQ(r.err, "scope-migrate: " + plan + refused);
    // show --mapping says the same to a reviewer; show alone names a recorded override.
    const ToolResult show = RunTool({"show", plan, "--mapping", kMapping});
    EXPECT_EQ(show.exit_code, 65) << show.err;
    EXPECT_EQ(show.err, "scope-migrate: " + plan + refused);
    const ToolResult shown = RunTool({"show", plan});
    EXPECT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_EQ(shown.out.find("OVERRIDDEN by --cutoff") != std::string::npos, drop.empty())
        << shown.out;
  }
  const ToolResult fine = RunTool({"show", DatabasePlan(kMapping), "--mapping", kMapping});
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
}

// Regression (SPEC 11.4): `apply --mapping FILE PLANFILE` was refused as a usage error, so
// there was no way to tie the plan applied to the mapping reviewed.
TEST_F(HostileInputTest, ApplyRefusesAPlanMadeWithAnotherMapping) {
  const std::string plan = DatabasePlan(kMapping);
  const std::string other = OtherMapping();
  const std::string shipped_sha = Sha256Hex(testing::ReadFile(testing::SourcePath(kMapping)));
  const std::string other_sha = Sha256Hex(testing::ReadFile(other));
  const ToolResult r = RunTool({"apply", "--db", "x", plan, "--mapping", other});
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_EQ(r.err, "scope-migrate: " + plan +
                       ":1:1: the plan was made with the mapping of sha256 " + shipped_sha +
                       ", not with " + other + " (sha256 " + other_sha +
                       "): make the plan again with that mapping, or check which one was "
                       "reviewed\n");
  // With the mapping it was made with, the checks pass and apply goes on to connect.
  const ToolResult same = RunTool({"apply", "--db", "host=/nonexistent", plan, "--mapping",
                                   kMapping, "--allow-blocked", "--no-progress"});
  EXPECT_EQ(same.exit_code, 1) << same.err;
  EXPECT_EQ(same.err.find(":1:1:"), std::string::npos) << same.err;
}

TEST_F(HostileInputTest, ApplyPlanFileStillRefusesCutoffAndPrune) {
  for (const char* flag : {"--prune", "--cutoff=2026-01-01T00:00:00Z"}) {
    const ToolResult r = RunTool({"apply", "p.jsonl", "--mapping", kMapping, flag});
    EXPECT_EQ(r.exit_code, 64) << flag;
    EXPECT_EQ(FirstLine(r.err),
              "scope-migrate: apply PLANFILE takes neither --cutoff nor --prune (a plan file is "
              "applied exactly as planned)");
  }
}

// SPEC 11.4: --expect-sha256 refuses any other plan (65, both hashes) and accepts the one
// named, in either case; a value that is not 64 hex digits is a usage error.
TEST_F(HostileInputTest, ApplyExpectSha256RefusesAnyOtherPlan) {
  std::string sha;
  const std::string plan = DatabasePlan(kMapping, &sha);
  const std::string other(64, 'a');
  const ToolResult r = RunTool({"apply", "--db", "x", plan, "--expect-sha256", other});
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_EQ(r.err, "scope-migrate: the plan's sha256 is " + sha + ", --expect-sha256 names " +
                       other + ": this is not the plan that was reviewed; nothing was written\n");
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& given : {sha, upper}) {
    const ToolResult ok = RunTool({"apply", "--db", "host=/nonexistent", plan, "--expect-sha256",
                                   given, "--allow-blocked", "--no-progress"});
    EXPECT_EQ(ok.exit_code, 1) << ok.err;  // past the checks: the connection fails
    EXPECT_EQ(ok.err.find("--expect-sha256"), std::string::npos) << ok.err;
  }
  for (const std::string& bad : {sha.substr(1), sha + "0", "g" + sha.substr(1), std::string("x")}) {
    const ToolResult u = RunTool({"apply", plan, "--expect-sha256=" + bad});
    EXPECT_EQ(u.exit_code, 64) << bad;
    EXPECT_EQ(FirstLine(u.err),
              "scope-migrate: --expect-sha256 must be 64 hexadecimal digits (a plan's sha256)");
  }
}

// Regression (case 7): `plan --out` wrote PLANFILE.partial with fopen, following a symlink
// planted there, and left the plan world-readable.
TEST_F(HostileInputTest, PlanOutFollowsNoPlantedSymlinkAndIsPrivate) {
  const std::string victim = WriteTemp("victim", "precious");
  const std::string plan = Dir() + "/plan.jsonl";
  ASSERT_EQ(symlink(victim.c_str(), (plan + ".partial").c_str()), 0);
  const ToolResult r =
      RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--out", plan, "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(testing::ReadFile(victim), "precious");
  struct stat st {};
  ASSERT_EQ(stat(plan.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(Dir()), {}), 3);  // no temporary
}

// Regression (case 9): a 9 KB zstd plan holding one 300 MB line took 548 MB (getline has
// no cap). Now the line is refused at its number and memory stays small.
TEST_F(HostileInputTest, APlanLineOverTheCapIsRefusedInBoundedMemory) {
  const ToolResult made = RunTool(
      {"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--format", "jsonl", "--quiet"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string path = Dir() + "/bomb.jsonl.zst";
  {
    OutputFile out(path, Compression::kZstd);
    std::ostream stream(&out);
    stream << FirstLine(made.out) << "\n";
    const std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 128; ++i) stream << chunk;
    stream << "\n";
    stream.flush();
    out.Close();
  }
  const ToolResult r = RunTool({"show", path});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.err, "scope-migrate: " + path +
                       ":2:1: the line is longer than 1048576 bytes, the limit for a plan line "
                       "(SCOPE_MIGRATE_MAX_PLAN_LINE_BYTES raises it)\n");
  // The memory bound only where RSS measures the tool (not under ASan/TSan: kPeakRssIsTheTools).
  if (testing::kPeakRssIsTheTools) {
    EXPECT_LT(r.max_rss_kib, 64 * 1024);
  }
}

TEST_F(HostileInputTest, APlanOverTheSizeCapIsRefusedAtTheLineThatCrossesIt) {
  const std::string plan = Dir() + "/plan.jsonl";
  ASSERT_EQ(
      RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--out", plan, "--quiet"})
          .exit_code,
      0);
  const std::string first = FirstLine(testing::ReadFile(plan));
  const ToolResult r =
      RunTool({"show", plan}, {{"SCOPE_MIGRATE_MAX_PLAN_BYTES", std::to_string(first.size() + 2)}});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.err, "scope-migrate: " + plan + ":2:1: the plan file holds more than " +
                       std::to_string(first.size() + 2) +
                       " bytes uncompressed up to here, the limit for a plan file "
                       "(SCOPE_MIGRATE_MAX_PLAN_BYTES raises it)\n");
  const ToolResult bad = RunTool({"show", plan}, {{"SCOPE_MIGRATE_MAX_PLAN_LINE_BYTES", "1k"}});
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_EQ(FirstLine(bad.err),
            "scope-migrate: SCOPE_MIGRATE_MAX_PLAN_LINE_BYTES \"1k\" is not a positive number of "
            "bytes");
}

// Regression (case 14): a cutoff in year 10000 once in UTC wrote a plan show refused.
TEST_F(HostileInputTest, ACutoffOutsideTheYears1To9999IsRefused) {
  const ToolResult flag = RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping,
                                   "--cutoff", "9999-12-31T23:59:59-23:59"});
  EXPECT_EQ(flag.exit_code, 64);
  EXPECT_EQ(FirstLine(flag.err),
            "scope-migrate: --cutoff \"9999-12-31T23:59:59-23:59\" is outside the years 0001 to "
            "9999 once in UTC");
  std::string text = testing::ReadFile(testing::SourcePath(kMapping));
  const size_t at = text.find("\ncutoff: ") + 1;
  const int line = static_cast<int>(std::count(text.begin(), text.begin() + at, '\n')) + 1;
  text.replace(at, text.find('\n', at) - at, "cutoff: \"0000-12-31T23:00:00Z\"");
  const std::string dir = Dir() + "/m";
  std::filesystem::create_directories(dir);
  std::filesystem::copy(testing::SourcePath("mappings/scopes.yaml"), dir + "/scopes.yaml");
  testing::WriteFile(dir + "/legacy-roles.yaml", text);
  const ToolResult file = RunTool({"lint", "--mapping", dir + "/legacy-roles.yaml"});
  EXPECT_EQ(file.exit_code, 65);
  EXPECT_EQ(file.err, "scope-migrate: " + dir + "/legacy-roles.yaml:" + std::to_string(line) +
                          ":9: cutoff \"0000-12-31T23:00:00Z\" is outside the years 0001 to 9999 "
                          "once in UTC\n");
}

// Regression (case 15): `show ... | head -1` died of SIGPIPE (exit 141 in the shell).
// Now the tool ends quietly with 0 when its reader goes away.
TEST_F(HostileInputTest, AReaderThatClosesEarlyEndsShowQuietly) {
  std::string fixtures = "keys:\n";
  for (int i = 0; i < 3000; ++i) {
    fixtures += "  - {id: k" + std::to_string(100000 + i) + ", tenant: acme, name: \"Key number " +
                std::to_string(i) +
                "\", created_at: 2024-01-15T08:30:00Z, roles: [\"Finance Manager\"]}\n";
  }
  const std::string path = WriteTemp("many.yaml", fixtures);
  const std::string plan = Dir() + "/plan.jsonl";
  ASSERT_EQ(RunTool({"plan", "--fixtures", path, "--mapping", kMapping, "--out", plan, "--quiet"})
                .exit_code,
            0);
  ASSERT_GT(testing::ReadFile(plan).size(), 1u << 20);  // far more than a pipe holds
  const std::string err = Dir() + "/err.txt";
  const std::string command = "set -o pipefail; '" + std::string(SCOPE_MIGRATE_BIN) + "' show '" +
                              plan + "' --format jsonl 2>'" + err + "' | head -c 100 >/dev/null";
  const int status = std::system(("bash -c \"" + command + "\"").c_str());
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(testing::ReadFile(err), "");
}

// SPEC 11.5: the verified copy of a plan goes to $TMPDIR (and leaves nothing there).
TEST_F(HostileInputTest, TheVerifiedCopyUsesTmpdir) {
  const std::string plan = Dir() + "/plan.jsonl";
  ASSERT_EQ(
      RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--out", plan, "--quiet"})
          .exit_code,
      0);
  const std::string tmp = Dir() + "/tmp";
  std::filesystem::create_directories(tmp);
  const ToolResult ok = RunTool({"show", plan}, {{"TMPDIR", tmp}});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
  const ToolResult missing = RunTool({"show", plan}, {{"TMPDIR", Dir() + "/missing"}});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err,
            "scope-migrate: cannot create a temporary file for the plan's verified "
            "copy in " +
                Dir() + "/missing ($TMPDIR): No such file or directory\n");
}

// Regression (case 15): names with bidi overrides and C1 controls reached the terminal
// as they were; CSV cells starting with = ran as formulas in a spreadsheet.
TEST_F(HostileInputTest, ReportsShowHiddenMarksAndDisarmFormulas) {
  const std::string fixtures = WriteTemp(
      "marks.yaml",
      "keys:\n"
      "  - {id: \"=HYPERLINK(1)\", tenant: \"@acme\", name: \"invoice\\u202Efdp.exe\\u0085\",\n"
      "     created_at: 2024-01-15T08:30:00Z, roles: [\"Beta preview\"]}\n");
  const ToolResult text = RunTool({"plan", "--fixtures", fixtures, "--mapping", kMapping});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("name \"invoice\\u202efdp.exe\\u0085\""), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("\xe2\x80\xae"), std::string::npos);
  const ToolResult md =
      RunTool({"plan", "--fixtures", fixtures, "--mapping", kMapping, "--format", "markdown"});
  EXPECT_EQ(md.out.find("\xe2\x80\xae"), std::string::npos);
  const ToolResult csv =
      RunTool({"plan", "--fixtures", fixtures, "--mapping", kMapping, "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("\r\n'=HYPERLINK(1),'@acme,change,add,beta-preview,,"), std::string::npos)
      << csv.out;
}

// Runs the tool, but gives up after `seconds` (killing it): a command that blocks for ever
// fails the test instead of hanging it. exit_code -1 when it had to be killed.
ToolResult RunWithDeadline(const std::vector<std::string>& args, const std::string& dir,
                           int seconds = 20) {
  const std::string out = dir + "/deadline.out", err = dir + "/deadline.err";
  const pid_t pid = testing::SpawnTool(args, {}, out, err);
  ToolResult result;
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      result.out = testing::ReadFile(out);
      result.err = testing::ReadFile(err);
      return result;
    }
    usleep(50 * 1000);
  }
  kill(pid, SIGKILL);
  testing::WaitTool(pid);
  return result;
}

// Regression (issue 27, finding 13): a FIFO as plan file (show, approve, apply, rollback
// --plan), as a fleet's DIR/NAME.jsonl or as its index.json blocked for ever. Refused at
// once with 65, before any connection.
TEST_F(HostileInputTest, AFifoAsPlanOrIndexIsRefusedAtOnce) {
  const std::string fifo = Dir() + "/plan.jsonl";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string refused = "scope-migrate: " + fifo +
                              ": is not a regular file (a directory, device or FIFO is not read "
                              "as input)\n";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"show", fifo},
                                               {"approve", fifo, "--db", "dbname=x"},
                                               {"apply", fifo, "--db", "dbname=x"}}) {
    const ToolResult r = RunWithDeadline(args, Dir());
    EXPECT_EQ(r.exit_code, 65) << args[0];
    EXPECT_EQ(r.err, refused) << args[0];
  }
  // A fleet: its index names NAME.jsonl, which is a FIFO; then the index itself is one.
  const std::string fleet = Dir() + "/fleet";
  std::filesystem::create_directories(fleet);
  ASSERT_EQ(mkfifo((fleet + "/eu-1.jsonl").c_str(), 0600), 0);
  nlohmann::json index = {{"format", "scope-migrate-fleet/1"}};
  index["targets"] = {{{"name", "eu-1"},
                       {"plan", "eu-1.jsonl"},
                       {"sha256", std::string(64, 'a')},
                       {"db", "dbname=eu1"},
                       {"summary",
                        {{"keys_read", 0},
                         {"change", 0},
                         {"unchanged", 0},
                         {"drift", 0},
                         {"blocked", 0},
                         {"skipped", 0},
                         {"scopes_to_add", 0},
                         {"scopes_to_remove", 0}}}}};
  testing::WriteFile(fleet + "/index.json", index.dump());
  const ToolResult plan = RunWithDeadline({"apply", fleet}, Dir());
  EXPECT_EQ(plan.exit_code, 65);
  EXPECT_NE(plan.err.find(fleet + "/eu-1.jsonl: is not a regular file"), std::string::npos)
      << plan.err;
  std::filesystem::remove(fleet + "/index.json");
  ASSERT_EQ(mkfifo((fleet + "/index.json").c_str(), 0600), 0);
  const ToolResult index_fifo = RunWithDeadline({"apply", fleet}, Dir());
  EXPECT_EQ(index_fifo.exit_code, 65);
  EXPECT_NE(index_fifo.err.find(fleet + "/index.json: is not a regular file"), std::string::npos)
      << index_fifo.err;
}

}  // namespace
}  // namespace scope_migrate
