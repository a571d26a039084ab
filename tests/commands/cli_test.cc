// Runs the built scope-migrate binary. None of these commands reaches a database: they stop
// at a usage error, or read only mappings and fixture files.
#include "cli.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <iomanip>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/version.h"
#include "cli_table.h"
#include "support/shipped_mapping.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

using testing::RunTool;
using testing::ToolResult;

const char kMapping[] = "mappings/legacy-roles.yaml";
const char kFixtures[] = "samples/fixtures.yaml";
const char kChangeKey[] = "00000000-0000-4000-9000-000000000001";
const char kUnchangedKey[] = "00000000-0000-4000-9000-000000000024";
const char kDriftKey[] = "00000000-0000-4000-9000-000000000026";
const char kBlockedKey[] = "00000000-0000-4000-9000-000000000035";

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

class CliTest : public testing::TempDirTest {
 protected:
  // A usage error: exit 64, nothing on stdout, stderr "scope-migrate: <message>" and where
  // to read more (the command's help), not the usage of every command.
  void ExpectUsageError(const std::vector<std::string>& args, const std::string& message) {
    const ToolResult r = RunTool(args);
    EXPECT_EQ(r.exit_code, 64) << r.err;
    EXPECT_EQ(r.out, "");
    const bool known = !args.empty() && FindCommand(args[0]) != nullptr;
    EXPECT_EQ(r.err, "scope-migrate: " + message + "\nsee `scope-migrate " +
                         (known ? args[0] + " --help" : std::string("--help")) + "`\n");
  }
};

// ---- help and version ----------------------------------------------------------------------

TEST_F(CliTest, HelpExitsZeroWithUsage) {
  const ToolResult r = RunTool({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("usage: scope-migrate COMMAND [options]\n", 0), 0u) << r.out;
  EXPECT_EQ(r.err, "");
}

// Regression: `help plan` printed the general usage.
TEST_F(CliTest, HelpCommandIsCommandHelp) {
  const ToolResult help = RunTool({"help", "plan"});
  const ToolResult flag = RunTool({"plan", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out, flag.out);
  EXPECT_NE(help.out.find("--detailed-exitcode"), std::string::npos) << help.out;
  EXPECT_EQ(RunTool({"help", "plna"}).exit_code, 64);
}

// Regression: `--db billing` (a bare word, as psql -d takes it) was not a database name.
TEST(ConninfoTest, ABareWordIsADatabaseName) {
  Options o;
  EXPECT_EQ(o.Conninfo(), "");
  o.db = "billing";
  EXPECT_EQ(o.Conninfo(), "dbname='billing'");
  o.db = "it's\\x";
  EXPECT_EQ(o.Conninfo(), "dbname='it\\'s\\\\x'");
  o.db = "host=db1 dbname=billing";
  EXPECT_EQ(o.Conninfo(), "host=db1 dbname=billing");
  o.db = "postgresql://db1/billing";
  EXPECT_EQ(o.Conninfo(), "postgresql://db1/billing");
}

// A misspelt conninfo keyword is a usage error with the nearest keyword libpq knows.
TEST_F(CliTest, ConninfoKeywordTypoSuggestsTheKeyword) {
  const ToolResult r =
      RunTool({"plan", "--db", "prt=5432 dbname=x", "--mapping", kMapping, "--no-progress"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "scope-migrate: --db: invalid connection option \"prt\"; did you mean \"port\"?\n");
  const ToolResult far = RunTool({"history", "--db", "zzzzzzzz=1"});
  EXPECT_EQ(far.exit_code, 64);
  EXPECT_EQ(far.err, "scope-migrate: --db: invalid connection option \"zzzzzzzz\"\n");
}

TEST_F(CliTest, VersionExitsZero) {
  const ToolResult r = RunTool({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            std::string("scope-migrate ") + ToolVersion() + " (commit " + ToolCommit() + ")\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, PlanHelpListsItsOptions) {
  const ToolResult r = RunTool({"plan", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("usage: scope-migrate plan SOURCE --mapping FILE [--overrides FILE] [--cutoff INSTANT]", 0),
            0u)
      << r.out;
  // Value names, not boost's "arg"; an example at the end; no other command's synopsis.
  EXPECT_NE(r.out.find("  --mapping FILE "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  --tenant T "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  --lock-timeout D (=5s) "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(" arg "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("rollback"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nexample:\n  scope-migrate plan "), std::string::npos) << r.out;
  for (const char* option : {"--detailed-exitcode", "--format", "--out", "--tenant", "--key",
                             "--mapping", "--fixtures", "--cutoff", "--prune", "--lock-timeout"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
  EXPECT_EQ(r.err, "");
}

// Internal options (the PLANFILE and SHELL arguments' names) are never shown or suggested.
TEST_F(CliTest, InternalOptionsAreNeitherShownNorSuggested) {
  for (const char* command : {"apply", "show", "approve", "completion"}) {
    const ToolResult r = RunTool({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_EQ(r.out.find("--plan-file"), std::string::npos) << command;
    EXPECT_EQ(r.out.find("--shell"), std::string::npos) << command;
    EXPECT_EQ(r.out.find("--stray"), std::string::npos) << command;
  }
  ExpectUsageError({"apply", "--plan", "x"}, "unrecognised option '--plan'");
}

// Regression: --expect-sha256, --log-format, --metrics-file and the health limits showed
// Boost's "arg" in help.
TEST_F(CliTest, EveryOptionThatTakesAValueNamesIt) {
  for (const std::string& name : CommandNames()) {
    boost::program_options::options_description all;
    all.add(CommandOptions(*FindCommand(name))).add(CommonOptions());
    for (const auto& option : all.options()) {
      if (option->semantic()->max_tokens() == 0) continue;
      EXPECT_EQ(option->format_parameter().find("arg"), std::string::npos)
          << name << " --" << option->long_name() << ": " << option->format_parameter();
    }
  }
  const ToolResult r = RunTool({"help", "apply"});
  for (const char* shown : {"  --expect-sha256 SHA256 ", "  --log-format text|json (=text) ",
                            "  --metrics-file PATH ", "  --max-replica-lag D (=10s) "}) {
    EXPECT_NE(r.out.find(shown), std::string::npos) << shown << "\n" << r.out;
  }
  EXPECT_NE(RunTool({"help", "history"}).out.find("  --format text|jsonl|csv "), std::string::npos);
}

// Regression: the positional arguments' internal names were taken when typed as flags.
TEST_F(CliTest, InternalOptionsAreRefusedWhenTyped) {
  ExpectUsageError({"show", "--plan-file", "p.jsonl"}, "unrecognised option '--plan-file'");
  ExpectUsageError({"show", "--plan-file=p.jsonl"}, "unrecognised option '--plan-file'");
  ExpectUsageError({"completion", "--shell", "bash"}, "unrecognised option '--shell'");
  ExpectUsageError({"lint", "--stray", "x"}, "unrecognised option '--stray'");
  EXPECT_EQ(RunTool({"completion", "bash"}).exit_code, 0);
}

TEST_F(CliTest, PositionalMistakesGetOurMessage) {
  ExpectUsageError({"lint", "mappings/legacy-roles.yaml"},
                   "lint takes no positional argument (\"mappings/legacy-roles.yaml\"); did you "
                   "mean --mapping mappings/legacy-roles.yaml?");
  ExpectUsageError({"history", "3"},
                   "history takes no positional argument (\"3\"); did you mean --run 3?");
  ExpectUsageError({"verify", "f.yaml"},
                   "verify takes no positional argument (\"f.yaml\"); did you mean --mapping "
                   "f.yaml or --fixtures f.yaml?");
  ExpectUsageError({"show", "a.jsonl", "b.jsonl"},
                   "show takes one positional argument (the PLANFILE); \"b.jsonl\" is one too "
                   "many");
  ExpectUsageError({"audit-sql", "x"}, "audit-sql takes no positional argument (\"x\")");
}

TEST_F(CliTest, EverySubcommandHelpExitsZero) {
  for (const char* command : {"lint", "verify", "plan", "apply", "rollback", "history"}) {
    const ToolResult r = RunTool({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
    EXPECT_NE(r.out.find("usage:"), std::string::npos) << command;
    EXPECT_NE(r.out.find(std::string(command) + " options"), std::string::npos) << command;
    EXPECT_EQ(r.err, "") << command;
  }
}

TEST_F(CliTest, ApplyHelpNeedsNoYes) {
  const ToolResult r = RunTool({"apply", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--allow-blocked"), std::string::npos);
  EXPECT_NE(r.out.find("--yes"), std::string::npos);
}

// ---- usage errors (64) ---------------------------------------------------------------------

TEST_F(CliTest, NoCommandIsAUsageError) { ExpectUsageError({}, "no command given"); }

TEST_F(CliTest, UnknownFlagIsAUsageErrorNamingIt) {
  ExpectUsageError({"lint", "--mapping", kMapping, "--no-such-flag"},
                   "unrecognised option '--no-such-flag'");
}

// Regression: Boost's prefix guessing ran `--pru` as --prune and `--allow` as --allow-blocked.
TEST_F(CliTest, AbbreviatedFlagsAreRefusedWithASuggestion) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"plan", "--mapping", kMapping, "--pru"}, "prune"},
      {{"apply", "--mapping", kMapping, "--yes", "--pru"}, "prune"},
      {{"apply", "p.jsonl", "--allow"}, "allow-blocked"},
      {{"apply", "p.jsonl", "--allow-block"}, "allow-blocked"},
      {{"apply", "--mapping", kMapping, "--ye"}, "yes"},
      {{"rollback", "--run", "1", "--ye"}, "yes"},
      {{"apply", "p.jsonl", "--single"}, "single-transaction"},
      {{"apply", "p.jsonl", "--batch", "5"}, "batch-size"},
      {{"rollback", "--pla", "abc"}, "plan"},
      {{"plan", "--mapping", kMapping, "--detailed"}, "detailed-exitcode"},
      {{"plan", "--mapping", kMapping, "--prnue"}, "prune"},
  };
  for (const auto& [args, flag] : cases) {
    std::string typed;
    for (const auto& arg : args) {
      if (arg.rfind("--", 0) == 0 && arg.find(flag) != 0) typed = arg;
    }
    const ToolResult r = RunTool(args);
    EXPECT_EQ(r.exit_code, 64) << typed << "\n" << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("; did you mean --" + flag + "?"), std::string::npos) << r.err;
  }
}

TEST_F(CliTest, FlagsTypedInFullStillWork) {
  const ToolResult r = RunTool({"lint", "--mapping=" + std::string(kMapping), "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, MistypedCommandGetsASuggestion) {
  ExpectUsageError({"aply", "p.jsonl"}, "unknown command \"aply\"; did you mean apply?");
}

TEST_F(CliTest, FlagOfAnotherCommandIsAUsageError) {
  ExpectUsageError({"lint", "--mapping", kMapping, "--prune"}, "unrecognised option '--prune'");
}

TEST_F(CliTest, UnknownCommandIsAUsageError) {
  ExpectUsageError({"frobnicate", "--mapping", kMapping}, "unknown command \"frobnicate\"");
}

TEST_F(CliTest, PlanWithoutMappingIsAUsageError) {
  ExpectUsageError({"plan", "--fixtures", kFixtures}, "plan needs --mapping FILE");
}

TEST_F(CliTest, LintWithoutMappingIsAUsageError) {
  ExpectUsageError({"lint"}, "lint needs --mapping FILE");
}

TEST_F(CliTest, VerifyWithoutFixturesIsAUsageError) {
  ExpectUsageError({"verify", "--mapping", kMapping}, "verify needs --fixtures FILE");
}

TEST_F(CliTest, ApplyWithMappingWithoutYesIsAUsageError) {
  ExpectUsageError({"apply", "--db", "x", "--mapping", "m"},
                   "apply --mapping plans and writes in one go and needs --yes (or save a plan "
                   "with `plan --out` and apply that file)");
}

TEST_F(CliTest, ApplyWithoutPlanOrMappingIsAUsageError) {
  ExpectUsageError({"apply", "--db", "x", "--yes"},
                   "apply needs a PLANFILE or --mapping FILE --yes");
}

TEST_F(CliTest, ApplyWithPlanFileAndCutoffIsAUsageError) {
  ExpectUsageError({"apply", "--db", "x", "plan.jsonl", "--mapping", "m", "--prune"},
                   "apply PLANFILE takes neither --cutoff nor --prune (a plan file is applied "
                   "exactly as planned)");
}

// Regression: --dry-run got a library message (or a suggestion) instead of a pointer to plan.
TEST_F(CliTest, ApplyDryRunPointsAtPlan) {
  const std::string message =
      "apply has no --dry-run: `scope-migrate plan` is the dry run (it writes nothing; save it "
      "with --out and apply that file)";
  ExpectUsageError({"apply", "--db", "x", "plan.jsonl", "--dry-run"}, message);
  ExpectUsageError({"apply", "--dry-run=true", "--mapping", "m", "--yes"}, message);
}

// Regression: `--out -` wrote a file named "-".
TEST_F(CliTest, PlanOutDashIsRefused) {
  ExpectUsageError({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--out", "-"},
                   "--out - would write a file named \"-\": the report already goes to stdout; "
                   "give --out the plan file's name");
  EXPECT_FALSE(std::filesystem::exists("-"));
}

// A plan file carries its overrides (SPEC 12.2): simulate takes --overrides only with
// --mapping, where it plans the keys itself.
TEST_F(CliTest, SimulatePlanFileTakesNoOverrides) {
  ExpectUsageError({"simulate", "plan.jsonl", "--overrides", "o.yaml", "--endpoints", "e.yaml",
                    "--usage", "u.jsonl"},
                   "simulate PLANFILE takes no --overrides: a plan file carries its own (plan "
                   "with --overrides, or simulate --mapping FILE --overrides FILE over the "
                   "SOURCE)");
}

TEST_F(CliTest, ApplyDoesNotTakeFixtures) {
  ExpectUsageError({"apply", "--fixtures", kFixtures, "--mapping", kMapping, "--yes"},
                   "unrecognised option '--fixtures'");
}

TEST_F(CliTest, SingleTransactionDoesNotWait) {
  ExpectUsageError({"apply", "p.jsonl", "--single-transaction", "--pause", "2s"},
                   "--single-transaction conflicts with --pause, --max-rate and --pause-file: "
                   "waiting inside the one transaction would only hold its locks longer");
  ExpectUsageError({"apply", "p.jsonl", "--single-transaction", "--pause-file", "stop"},
                   "--single-transaction conflicts with --pause, --max-rate and --pause-file: "
                   "waiting inside the one transaction would only hold its locks longer");
  ExpectUsageError({"apply", "p.jsonl", "--single-transaction", "--max-rate", "5"},
                   "--single-transaction conflicts with --pause, --max-rate and --pause-file: "
                   "waiting inside the one transaction would only hold its locks longer");
}

TEST_F(CliTest, PauseFileNeedsAPath) {
  ExpectUsageError({"apply", "p.jsonl", "--pause-file", ""}, "--pause-file needs a path");
  ExpectUsageError({"rollback", "--db", "x", "--run", "1", "--pause-file", ""},
                   "--pause-file needs a path");
}

TEST_F(CliTest, DbAndFixturesConflict) {
  ExpectUsageError({"plan", "--db", "x", "--fixtures", "y", "--mapping", "m"},
                   "--db and --fixtures conflict: give one SOURCE");
}

TEST_F(CliTest, UnknownFormatIsAUsageError) {
  ExpectUsageError({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--format", "xml"},
                   "--format must be text, jsonl, csv, markdown or html");
}

TEST_F(CliTest, BadLockTimeoutIsAUsageError) {
  ExpectUsageError(
      {"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--lock-timeout", "5 parsecs"},
      "--lock-timeout \"5 parsecs\" is not a duration (e.g. 500ms, 5s, 2min)");
}

TEST_F(CliTest, LockTimeoutWithoutUnitIsAUsageError) {
  ExpectUsageError({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--lock-timeout", "5"},
                   "--lock-timeout \"5\" is not a duration (e.g. 500ms, 5s, 2min)");
}

TEST_F(CliTest, StrayPositionalArgumentIsAUsageError) {
  const ToolResult r = RunTool(
      {"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--lock-timeout", "5", "parsecs"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.out, "");
}

TEST_F(CliTest, BadStatementTimeoutIsAUsageError) {
  ExpectUsageError(
      {"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--statement-timeout", "soon"},
      "--statement-timeout \"soon\" is not a duration (e.g. 500ms, 5s, 2min)");
}

TEST_F(CliTest, ProgressAndNoProgressConflict) {
  ExpectUsageError(
      {"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--progress", "--no-progress"},
      "--progress and --no-progress conflict");
}

TEST_F(CliTest, ZeroBatchSizeIsAUsageError) {
  ExpectUsageError({"apply", "--db", "x", "--mapping", "m", "--yes", "--batch-size", "0"},
                   "--batch-size must be between 1 and 1000000 (keys in one transaction)");
}

TEST_F(CliTest, RollbackWithoutRunIsAUsageError) {
  ExpectUsageError({"rollback", "--db", "x", "--yes"},
                   "rollback needs one of --run RUN_ID and --plan SHA256");
}

TEST_F(CliTest, RollbackWithRunAndPlanIsAUsageErrorUnlessThePlanIsAFile) {
  ExpectUsageError({"rollback", "--db", "x", "--run", "1", "--plan", "abc"},
                   "with --run, --plan takes the run's plan file; \"abc\" is not a readable file");
}

TEST_F(CliTest, LockLeaseUnderASecondIsAUsageError) {
  ExpectUsageError({"apply", "p.jsonl", "--lock-lease", "500ms"},
                   "--lock-lease must be at least 1s");
}

TEST_F(CliTest, HealthLimitsAndLogFormatTakeTheirSpellingsOnly) {
  ExpectUsageError({"apply", "p.jsonl", "--max-replica-lag", "10"},
                   "--max-replica-lag \"10\" is not a duration (e.g. 500ms, 5s, 2min)");
  ExpectUsageError({"apply", "p.jsonl", "--max-replica-lag-bytes", "1.5GB"},
                   "--max-replica-lag-bytes \"1.5GB\" is not a size (e.g. 1048576, 512MB, 1GiB)");
  ExpectUsageError({"rollback", "--db", "x", "--run", "1", "--max-slot-lag", "lots"},
                   "--max-slot-lag \"lots\" is not a size (e.g. 1048576, 512MB, 1GiB)");
  ExpectUsageError({"apply", "p.jsonl", "--log-format", "xml"},
                   "--log-format must be text or json");
}

TEST_F(CliTest, BadCutoffIsAUsageError) {
  const ToolResult r = RunTool(
      {"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--cutoff", "2026-03-23T00:00:00"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "scope-migrate: --cutoff \"2026-03-23T00:00:00\" is not an RFC 3339 instant with an "
            "offset (e.g. 2026-03-23T00:00:00+01:00)\n");
}

// ---- lint ----------------------------------------------------------------------------------

TEST_F(CliTest, LintShippedMapping) {
  const ToolResult r = RunTool({"lint", "--mapping", kMapping});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::istringstream in(r.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 13u) << r.out;
  EXPECT_EQ(lines[0],
            "mapping mappings/legacy-roles.yaml is valid: 10 roles, catalog mappings/scopes.yaml "
            "(26 scopes), cutoff 2026-03-22T23:00:00Z");
  EXPECT_EQ(lines[1], "");
  auto row = [](const std::string& role, int scopes, const std::string& read_only,
                const std::string& privileged) {
    std::ostringstream s;
    s << std::left << std::setw(32) << role << std::right << std::setw(7) << scopes << "  "
      << std::left << std::setw(10) << read_only << privileged;
    return s.str();
  };
  EXPECT_EQ(lines[3],
            row("super-user", 26, "no",
                "access-management-write, custom-payment-provider-write, tenant-management-write"));
  EXPECT_EQ(lines[4],
            row("admin", 5, "no",
                "access-management-write, custom-payment-provider-write, tenant-management-write"));
  EXPECT_EQ(lines[5], row("auditor", 12, "yes", "-"));
  EXPECT_EQ(lines[6], row("order-manager-customer-support", 11, "no", "-"));
  EXPECT_EQ(lines[7], row("finance-manager", 15, "no", "-"));
  EXPECT_EQ(lines[8], row("ar-manager", 14, "no", "-"));
  EXPECT_EQ(lines[9], row("product-manager", 5, "no", "-"));
  EXPECT_EQ(lines[10], row("manage-users", 2, "no", "access-management-write"));
  EXPECT_EQ(lines[11], row("manage-api-credentials", 2, "no", "access-management-write"));
  EXPECT_EQ(lines[12], row("beta-preview", 1, "no", "-"));
}

TEST_F(CliTest, LintQuietPrintsNothing) {
  const ToolResult r = RunTool({"lint", "--mapping", kMapping, "--quiet"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, LintMalformedMappingExits65WithFileLineColumn) {
  const std::string dir = Dir();
  testing::WriteFile(dir + "/scopes.yaml", testing::ReadFile(testing::ShippedCatalogPath()));
  const std::string path = dir + "/mapping.yaml";
  testing::WriteFile(path,
                     "version: 1\n"
                     "cutoff: \"2026-03-23T00:00:00+01:00\"\n"
                     "roles:\n"
                     "  admin:\n"
                     "    scope: [access-management-read]\n");
  const ToolResult r = RunTool({"lint", "--mapping", path});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "scope-migrate: " + path +
                ":5:5: unknown key \"scope\" in role \"admin\" (expected one of: description, "
                "aliases, read-only, scopes, loses)\n");
}

TEST_F(CliTest, LintMissingMappingExits65) {
  const ToolResult r = RunTool({"lint", "--mapping", "no/such/mapping.yaml"});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "scope-migrate: no/such/mapping.yaml: cannot read file\n");
}

// lint --endpoints on the shipped mapping and catalog: every role, what it gains, exit 0.
TEST_F(CliTest, LintEndpointsOfTheShippedMappingLosesNothing) {
  const ToolResult r =
      RunTool({"lint", "--mapping", kMapping, "--endpoints", "mappings/endpoints.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string payment =
      "  gains  read  GET /v1/payment-providers  (allowed by tenant-management-read, "
      "custom-payment-provider-write)\n";
  EXPECT_EQ(r.out,
            "mapping mappings/legacy-roles.yaml against endpoints mappings/endpoints.yaml: 61 "
            "routes, 58 with roles compared (3 public, 0 without roles), 10 roles\n"
            "\n"
            "role super-user: loses nothing, gains nothing\n"
            "role admin: loses nothing, gains nothing\n"
            "role auditor: loses nothing, gains nothing\n"
            "role order-manager-customer-support: loses nothing, gains 1 route\n" +
                payment +
                "role finance-manager: loses nothing, gains 1 route\n" + payment +
                "role ar-manager: loses nothing, gains 1 route\n" + payment +
                "role product-manager: loses nothing, gains 3 routes\n"
                "  gains  read  GET /v1/credit-memos  (allowed by document-management-read)\n"
                "  gains  read  GET /v1/credit-memos/{id}  (allowed by document-management-read)\n" +
                payment +
                "role manage-users: loses nothing, gains 2 routes\n"
                "  gains  write POST /v1/api-keys  (allowed by access-management-write)\n"
                "  gains  read  GET /v1/api-keys  (allowed by access-management-read)\n"
                "role manage-api-credentials: loses nothing, gains 2 routes\n"
                "  gains  write POST /v1/users  (allowed by access-management-write)\n"
                "  gains  write PUT /v1/users/{id}/roles  (allowed by access-management-write)\n"
                "role beta-preview: loses nothing, gains nothing\n"
                "\n"
                "summary: 0 routes lost (0 accepted by the mapping), 10 routes gained\n"
                "result: no role loses a route the mapping does not accept\n");
}

// The shipped mapping with product-manager's document-management-read taken away and one
// of the three invoice routes it loses accepted: exit 8 in every format.
class LintLossesTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    testing::WriteFile(Dir() + "/scopes.yaml", testing::ReadFile(testing::ShippedCatalogPath()));
    std::string text = testing::ReadFile(kMapping);
    const std::string from =
        "      - contract-order-management-read\n      - document-management-read\n";
    ASSERT_NE(text.find(from), std::string::npos);
    text.replace(text.find(from), from.size(),
                 "      - contract-order-management-read\n"
                 "    loses:\n"
                 "      - route: \"GET /v1/invoices/{invoice}/pdf\"\n"
                 "        reason: \"OPS-31: product managers read invoices in the portal\"\n");
    mapping_ = Dir() + "/mapping.yaml";
    testing::WriteFile(mapping_, text);
  }

  ToolResult Lint(const std::string& format) {
    return RunTool({"lint", "--mapping", mapping_, "--endpoints", "mappings/endpoints.yaml",
                    "--format", format});
  }

  std::string mapping_;
};

TEST_F(LintLossesTest, TextListsTheLossesAndExits8) {
  const ToolResult r = Lint("text");
  EXPECT_EQ(r.exit_code, 8) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find(
                "role product-manager: loses 3 routes (1 accepted), gains 1 route\n"
                "  loses  read  GET /v1/invoices  (allowed by document-management-read, "
                "document-management-write)\n"
                "  loses  read  GET /v1/invoices/{id}  (allowed by document-management-read, "
                "document-management-write)\n"
                "  loses  read  GET /v1/invoices/{id}/pdf  (allowed by document-management-read)"
                "  accepted: OPS-31: product managers read invoices in the portal\n"
                "  gains  read  GET /v1/payment-providers  (allowed by tenant-management-read, "
                "custom-payment-provider-write)\n"
                "role manage-users:"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\nsummary: 3 routes lost (1 accepted by the mapping), 8 routes gained\n"
                       "result: 2 routes lost that the mapping does not accept (give the role a "
                       "scope that allows it, or accept the loss under the role's `loses:` with "
                       "a reason)\n"),
            std::string::npos)
      << r.out;
}

TEST_F(LintLossesTest, JsonLinesAndGithubAnnotations) {
  const ToolResult jsonl = Lint("jsonl");
  EXPECT_EQ(jsonl.exit_code, 8) << jsonl.err;
  EXPECT_NE(jsonl.out.find(
                "{\"type\":\"role\",\"role\":\"product-manager\",\"loses\":3,\"accepted\":1,"
                "\"gains\":1}\n"
                "{\"type\":\"route\",\"role\":\"product-manager\",\"change\":\"loses\",\"route\":"
                "\"GET /v1/invoices\",\"write\":false,\"allowed_by\":[\"document-management-read\","
                "\"document-management-write\"],\"accepted\":false,\"reason\":null}\n"),
            std::string::npos)
      << jsonl.out;
  EXPECT_NE(jsonl.out.find("{\"type\":\"summary\",\"mapping\":\"" + mapping_ +
                           "\",\"endpoints\":\"mappings/endpoints.yaml\",\"routes\":61,"
                           "\"compared\":58,\"public\":3,\"roles\":10,\"lost\":3,"
                           "\"accepted\":1,\"gained\":8,\"breaking\":true}\n"),
            std::string::npos)
      << jsonl.out;

  const ToolResult github = Lint("github");
  EXPECT_EQ(github.exit_code, 8);
  EXPECT_EQ(github.out,
            "::error file=" + mapping_ +
                "::role product-manager loses GET /v1/invoices (allowed by "
                "document-management-read, document-management-write)\n"
                "::error file=" + mapping_ +
                "::role product-manager loses GET /v1/invoices/{id} (allowed by "
                "document-management-read, document-management-write)\n");
}

TEST_F(LintLossesTest, AnAcceptanceOfARouteKeptIs65AtItsLine) {
  std::string text = testing::ReadFile(mapping_);
  text.replace(text.find("GET /v1/invoices/{invoice}/pdf"), 30, "GET /v1/tax/rules");
  testing::WriteFile(mapping_, text);
  const ToolResult r = Lint("text");
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.out, "");
  const size_t at = text.find("      - route: \"GET /v1/tax/rules\"");
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
  EXPECT_EQ(r.err, "scope-migrate: " + mapping_ + ":" + std::to_string(line) +
                       ":9: role \"product-manager\" accepts losing \"GET /v1/tax/rules\", but "
                       "does not lose it (the catalog does not list it among the route's "
                       "roles)\n");
}

TEST_F(CliTest, LintEndpointsFormats) {
  ExpectUsageError({"lint", "--mapping", kMapping, "--format", "jsonl"},
                   "lint --format jsonl lists the routes each role loses and gains: it needs "
                   "--endpoints FILE");
  ExpectUsageError({"lint", "--mapping", kMapping, "--endpoints", "mappings/endpoints.yaml",
                    "--format", "markdown"},
                   "lint --endpoints reports as text, jsonl or github (markdown is the role × "
                   "scope matrix, without --endpoints)");
  const ToolResult quiet = RunTool(
      {"lint", "--mapping", kMapping, "--endpoints", "mappings/endpoints.yaml", "--quiet"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
}

// ---- verify --------------------------------------------------------------------------------

TEST_F(CliTest, VerifySampleFixturesPasses) {
  const ToolResult r = RunTool({"verify", "--mapping", kMapping, "--fixtures", kFixtures});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "48 keys checked, 48 match, 0 mismatches (0 without expect)\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, VerifyWrongFixtureExits1AndNamesTheKey) {
  const ToolResult r = RunTool(
      {"verify", "--mapping", kMapping, "--fixtures", "tests/data/unit-fixtures-wrong.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.out,
      "MISMATCH tests/data/unit-fixtures-wrong.yaml:10 key 00000000-0000-4000-9000-000000000008\n"
      "  missing:  [tenant-management-read]\n"
      "4 keys checked, 3 match, 1 mismatch (1 without expect)\n");
  EXPECT_EQ(r.err, "");
}

// verify --overrides (SPEC 12.2): each fixture key is decided with its override, so the
// sample's expect (made without it) no longer matches that key; an override of a key the
// fixtures do not hold is a 65 at its line.
TEST_F(CliTest, VerifyDecidesEachFixtureKeyWithItsOverride) {
  const std::string head = "version: 1\noverrides:\n  - key: \"00000000-0000-4000-9000-000000000";
  const std::string tail = "\"\n    add: [tax-management-read]\n    reason: \"OPS-1\"\n";
  const std::string file = WriteTemp("overrides.yaml", head + "001" + tail);
  const ToolResult r =
      RunTool({"verify", "--mapping", kMapping, "--fixtures", kFixtures, "--overrides", file});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out,
            "MISMATCH samples/fixtures.yaml:14 key 00000000-0000-4000-9000-000000000001\n"
            "  extra:    [tax-management-read]\n"
            "48 keys checked, 47 match, 1 mismatch (0 without expect)\n");
  testing::WriteFile(file, head + "999" + tail);
  const ToolResult unknown =
      RunTool({"verify", "--mapping", kMapping, "--fixtures", kFixtures, "--overrides", file});
  EXPECT_EQ(unknown.exit_code, 65);
  EXPECT_EQ(unknown.out, "");
  EXPECT_EQ(unknown.err, "scope-migrate: " + file +
                             ":3:10: override of key 00000000-0000-4000-9000-000000000999: the "
                             "key is not a legacy key of the fixture file samples/fixtures.yaml "
                             "(no such key, or created at or after the cutoff)\n");
}

TEST_F(CliTest, VerifyBadFixtureFileExits65) {
  const std::string path = Dir() + "/fixtures.yaml";
  testing::WriteFile(path, "keys:\n  - id: k1\n  - id: k1\n");
  const ToolResult r = RunTool({"verify", "--mapping", kMapping, "--fixtures", path});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "scope-migrate: " + path + ":3:9: duplicate key id \"k1\"\n");
}

// A CI job that reads only stdout still sees a file that does not load.
TEST_F(CliTest, VerifyGithubAnnotatesAFileThatDoesNotLoad) {
  const std::string path = Dir() + "/fixtures.yaml";
  testing::WriteFile(path, "keys:\n  - id: k1\n  - id: k1\n");
  const ToolResult r =
      RunTool({"verify", "--mapping", kMapping, "--fixtures", path, "--format", "github"});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.out, "::error file=" + path + ",line=3,col=9::duplicate key id \"k1\"\n");
  EXPECT_EQ(r.err, "scope-migrate: " + path + ":3:9: duplicate key id \"k1\"\n");
}

TEST_F(CliTest, VerifyJunitReportsAMappingThatDoesNotLoadAsAFailedTestCase) {
  const std::string mapping = Dir() + "/mapping.yaml";
  testing::WriteFile(mapping,
                     "version: 1\ncatalog: " + testing::SourcePath("mappings/scopes.yaml") +
                         "\ncutoff: \"2026-03-23T00:00:00+01:00\"\nroles:\n"
                         "  admin:\n    scopes: [beta-previw]\n");
  const ToolResult r =
      RunTool({"verify", "--mapping", mapping, "--fixtures", kFixtures, "--format", "junit"});
  EXPECT_EQ(r.exit_code, 65);
  const std::string reason = "unknown scope &quot;beta-previw&quot; (not in " +
                             testing::SourcePath("mappings/scopes.yaml") +
                             "); did you mean &quot;beta-preview&quot;?";
  EXPECT_EQ(r.out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"1\" failures=\"1\">\n"
            "  <testsuite name=\"scope-migrate verify\" tests=\"1\" failures=\"1\" errors=\"0\" "
            "skipped=\"0\">\n"
            "    <testcase classname=\"" +
                mapping + "\" name=\"load " + mapping + "\" file=\"" + mapping +
                "\" line=\"6\">\n      <failure message=\"" + reason + "\">" + mapping + ":6:14: " +
                reason + "</failure>\n    </testcase>\n  </testsuite>\n</testsuites>\n");
}

TEST_F(CliTest, VerifyNamesMissingAndExtraScopesAndTheKeyName) {
  const std::string path = Dir() + "/fixtures.yaml";
  testing::WriteFile(
      path,
      "keys:\n  - id: k1\n    name: Admin bot\n    created_at: 2025-01-01T00:00:00Z\n"
      "    roles: [Admin]\n"
      "    expect: [access-management-read, access-management-write, beta-preview,\n"
      "             tenant-management-read, tenant-management-write]\n");
  const ToolResult text = RunTool({"verify", "--mapping", kMapping, "--fixtures", path});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_EQ(text.out, "MISMATCH " + path +
                          ":2 key k1\n  missing:  [beta-preview]\n"
                          "  extra:    [custom-payment-provider-write]\n"
                          "1 keys checked, 0 match, 1 mismatch (0 without expect)\n");
  const ToolResult github =
      RunTool({"verify", "--mapping", kMapping, "--fixtures", path, "--format", "github"});
  EXPECT_EQ(FirstLine(github.out), "::error file=" + path +
                                       ",line=2::key k1 (Admin bot): missing [beta-preview], "
                                       "extra [custom-payment-provider-write]");
  const ToolResult junit =
      RunTool({"verify", "--mapping", kMapping, "--fixtures", path, "--format", "junit"});
  EXPECT_NE(junit.out.find("<testcase classname=\"" + path + "\" name=\"k1 (Admin bot)\" file="),
            std::string::npos)
      << junit.out;
  EXPECT_NE(junit.out.find("missing: [beta-preview]\nextra: [custom-payment-provider-write]"
                           "</failure>"),
            std::string::npos)
      << junit.out;
}

TEST_F(CliTest, LintGithubAnnotatesTheError) {
  const std::string mapping = Dir() + "/mapping.yaml";
  testing::WriteFile(mapping,
                     "version: 1\ncatalog: " + testing::SourcePath("mappings/scopes.yaml") +
                         "\ncutoff: \"2026-03-23T00:00:00+01:00\"\nroles:\n"
                         "  admin:\n    scopes: [payroll]\n");
  const ToolResult r = RunTool({"lint", "--mapping", mapping, "--format", "github"});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.out, "::error file=" + mapping + ",line=6,col=14::unknown scope " +
                       "\"payroll\" (not in " + testing::SourcePath("mappings/scopes.yaml") +
                       ")\n");
  const ToolResult ok = RunTool({"lint", "--mapping", kMapping, "--format", "github"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "");
}

// ---- plan over fixtures --------------------------------------------------------------------

TEST_F(CliTest, PlanDetailedExitcodeWithBlockedKeysIs3) {
  const ToolResult r =
      RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--detailed-exitcode"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, PlanDetailedExitcodeWithOnlyAChangeIs2) {
  const ToolResult r = RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping,
                                "--detailed-exitcode", "--key", kChangeKey});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.out.find("  keys     PARTIAL RUN, only --key " + std::string(kChangeKey) + "\n"),
            std::string::npos)
      << r.out;
}

TEST_F(CliTest, PlanDetailedExitcodeWithAnUnchangedKeyIs0) {
  const ToolResult r = RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping,
                                "--detailed-exitcode", "--key", kUnchangedKey});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, PlanDetailedExitcodeWithADriftKeyIs0) {
  const ToolResult r = RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping,
                                "--detailed-exitcode", "--key", kDriftKey});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, PlanDetailedExitcodeWithADriftKeyAndPruneIs2) {
  const ToolResult r = RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping,
                                "--detailed-exitcode", "--prune", "--key", kDriftKey});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(CliTest, PlanDetailedExitcodeBlockedWinsOverChanges) {
  const ToolResult r = RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping,
                                "--detailed-exitcode", "--key", kChangeKey, "--key", kBlockedKey});
  EXPECT_EQ(r.exit_code, 3) << r.err;
}

// Regression: a filter value that matched nothing planned an empty run and exited 0.
TEST_F(CliTest, PlanWithAFilterThatMatchesNothingExits6NamingIt) {
  const ToolResult r = RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping,
                                "--detailed-exitcode", "--tenant", "acmee", "--key", kChangeKey,
                                "--key", "no-such-key", "--out", Dir() + "/p.jsonl"});
  EXPECT_EQ(r.exit_code, 6);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, std::string("scope-migrate: --tenant \"acmee\" matched no key in the fixture "
                               "file ") +
                       kFixtures +
                       " (did you mean \"acme\"?); --key \"no-such-key\" matched no key in the "
                       "fixture file " +
                       kFixtures + "; nothing was planned or written\n");
  EXPECT_FALSE(std::filesystem::exists(Dir() + "/p.jsonl"));
  EXPECT_FALSE(std::filesystem::exists(Dir() + "/p.jsonl.partial"));
}

TEST_F(CliTest, PlanWithoutDetailedExitcodeIs0EvenWithBlockedKeys) {
  const ToolResult r = RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, PlanOutputMatchesTheInProcessGoldenReports) {
  const std::vector<std::pair<std::string, std::string>> formats = {
      {"text", "txt"}, {"jsonl", "jsonl"}, {"csv", "csv"}, {"markdown", "md"}};
  for (const auto& [format, extension] : formats) {
    const ToolResult r =
        RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--format", format});
    EXPECT_EQ(r.exit_code, 0) << format << ": " << r.err;
    EXPECT_EQ(r.err, "") << format;
    EXPECT_EQ(
        testing::NormalizeReport(r.out),
        testing::ReadFile(testing::SourcePath("tests/golden/unit-fixtures-plan." + extension)))
        << format;
  }
}

TEST_F(CliTest, PlanOutWritesThePlanFile) {
  const std::string plan = Dir() + "/plan.jsonl";
  const ToolResult r = RunTool(
      {"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--format", "jsonl", "--out", plan});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "plan file written: " + plan + "\n");
  EXPECT_EQ(testing::ReadFile(plan), r.out);
  EXPECT_FALSE(std::filesystem::exists(plan + ".partial"));
}

TEST_F(CliTest, VerifyGithubAnnotatesEachMismatchOnItsLine) {
  const ToolResult r = RunTool({"verify", "--mapping", kMapping, "--fixtures",
                                "tests/data/unit-fixtures-wrong.yaml", "--format", "github"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "::error file=tests/data/unit-fixtures-wrong.yaml,line=10::key "
            "00000000-0000-4000-9000-000000000008: missing [tenant-management-read]\n"
            "4 keys checked, 3 match, 1 mismatch (1 without expect)\n");
  const ToolResult ok = RunTool(
      {"verify", "--mapping", kMapping, "--fixtures", kFixtures, "--format", "github", "--quiet"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "");
}

TEST_F(CliTest, LintMarkdownDrawsTheRoleScopeMatrix) {
  const ToolResult r = RunTool({"lint", "--mapping", kMapping, "--format", "markdown"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string header =
      "| resource | `super-user` | `admin` | `auditor` (read-only) | "
      "`order-manager-customer-support` | `finance-manager` | `ar-manager` | `product-manager` | "
      "`manage-users` | `manage-api-credentials` | `beta-preview` |\n";
  EXPECT_NE(r.out.find(header), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n| custom-payment-provider | **w** | **w** |  |  |  |  |  |  |  |  |\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n| beta-preview | x |  |  |  |  |  |  |  |  | x |\n"), std::string::npos);
  EXPECT_NE(r.out.find("\n| tax-management | rw |  | r |  |  |  |  |  |  |  |\n"),
            std::string::npos);
  EXPECT_EQ(RunTool({"lint", "--mapping", kMapping, "--format", "csv"}).exit_code, 64);
}

// Regression (issue 27, finding 9): `--max-rate 1e-20` and `--max-rate nan` were printed as
// limits and applied none. Every numeric flag is finite and within sane bounds, else 64.
TEST_F(CliTest, NumericFlagsMustBeFiniteAndSane) {
  const std::string rate =
      "--max-rate must be 0 (no limit) or a number of keys per second from 0.001 to 1000000000";
  for (const char* value : {"nan", "NaN", "inf", "-inf", "1e-20", "0.0009", "-1", "1e10"}) {
    ExpectUsageError({"apply", "p.jsonl", "--max-rate", value}, rate);
    ExpectUsageError({"rollback", "--run", "1", "--max-rate", value}, rate);
  }
  for (const char* value : {"0", "2000000"}) {
    ExpectUsageError({"apply", "p.jsonl", "--batch-size", value},
                     "--batch-size must be between 1 and 1000000 (keys in one transaction)");
  }
  for (const char* value : {"0", "-3"}) {
    ExpectUsageError({"rollback", "--run", value},
                     "--run must be a run id (a whole number, 1 or more)");
  }
  ExpectUsageError({"apply", "p.jsonl", "--lock-timeout", "600h"},
                   "--lock-timeout is over PostgreSQL's limit of 2147483647ms (about 24 days)");
  ExpectUsageError(
      {"apply", "p.jsonl", "--statement-timeout", "35792min"},
      "--statement-timeout is over PostgreSQL's limit of 2147483647ms (about 24 days)");
}

// Regression (issue 27, finding 14): an --audit-schema of 64 bytes or more was cut to 63 in
// silence (another schema used), and an empty one was SQL error 42601.
TEST_F(CliTest, AnIdentifierOverPostgresLimitOrEmptyIsAUsageError) {
  ExpectUsageError({"apply", "p.jsonl", "--audit-schema", std::string(64, 'a')},
                   "--audit-schema is 64 bytes long; PostgreSQL names are at most 63 bytes (it "
                   "would cut the rest off)");
  ExpectUsageError({"history", "--audit-schema", ""}, "--audit-schema needs a name");
  ExpectUsageError({"audit-sql", "--grant-to", std::string(70, 'r')},
                   "--grant-to is 70 bytes long; PostgreSQL names are at most 63 bytes (it would "
                   "cut the rest off)");
  ExpectUsageError({"audit-sql", "--grant-to", ""}, "--grant-to needs a name");
  EXPECT_NE(RunTool({"audit-sql", "--audit-schema", std::string(63, 'a')}).exit_code, 64);
}

// ---- the resume command ----------------------------------------------------------------

// The command a failed apply prints to resume: every argument quoted for a POSIX shell and
// the password masked in every form libpq accepts.
TEST_F(CliTest, TheResumeCommandIsQuotedAndShowsNoPassword) {
  const auto command_line = [](std::vector<std::string> args) {
    args.insert(args.begin(), "scope-migrate");
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    std::optional<int> exit_now;
    return ParseCommandLine(static_cast<int>(argv.size()), argv.data(), &exit_now).command_line;
  };
  EXPECT_EQ(command_line({"apply", "p.jsonl", "--operator", "O'Brien", "--allow-blocked"}),
            "scope-migrate apply p.jsonl --operator 'O'\\''Brien' --allow-blocked");
  EXPECT_EQ(command_line({"apply", "p.jsonl", "--db", "postgresql://db/x?sslmode=require&user=a"}),
            "scope-migrate apply p.jsonl --db 'postgresql://db/x?sslmode=require&user=a'");
  EXPECT_EQ(command_line({"apply", "p.jsonl", "--db", "host=db password\t=secret"}),
            "scope-migrate apply p.jsonl --db 'password=*** host=db'");
  EXPECT_EQ(command_line({"apply", "p.jsonl", "--db=host=db password=open\\ sesame"}),
            "scope-migrate apply p.jsonl '--db=password=*** host=db'");
  EXPECT_EQ(command_line({"apply", "p.jsonl", "--db", "postgresql://db/x?pass%77ord=secret"}),
            "scope-migrate apply p.jsonl --db 'password=*** dbname=x host=db'");
  // Regression (issue 27, finding 6): sslpassword was shown as typed.
  EXPECT_EQ(command_line({"apply", "p.jsonl", "--db", "host=db sslpassword=keypass"}),
            "scope-migrate apply p.jsonl --db 'host=db sslpassword=***'");
  EXPECT_EQ(command_line({"apply", "p.jsonl", "--db=postgresql://u:pw@db/x?sslpassword=k"}),
            "scope-migrate apply p.jsonl '--db=user=u password=*** dbname=x host=db "
            "sslpassword=***'");
  EXPECT_EQ(command_line({"apply", "p.jsonl", "--operator", "a\nb"}),
            "scope-migrate apply p.jsonl --operator $'a\\x0Ab'");
}

// Flags are UTF-8 (their values end in JSON): refused at the boundary, naming the flag.
TEST_F(CliTest, ArgumentsThatAreNotUtf8AreUsageErrors) {
  ExpectUsageError({"plan", "--mapping", kMapping, "--fixtures", kFixtures, "--tenant", "acme\xFF"},
                   "the value of --tenant is not valid UTF-8 (byte 0xFF at offset 4)");
  ExpectUsageError({"plan", "--mapping", kMapping, "--fixtures", kFixtures, "--key=\xC3"},
                   "the value of --key is not valid UTF-8 (byte 0xC3 at offset 0)");
  ExpectUsageError({"show", "plan\xED\xA0\x80.jsonl"},
                   "argument 2 is not valid UTF-8 (byte 0xED at offset 4)");
}

// ---- man page and completion --------------------------------------------------------------

// The man page is written by hand: it must name every command and every flag there is.
TEST_F(CliTest, ManPageNamesEveryCommandAndFlag) {
  const std::string man = testing::ReadFile(testing::SourcePath("docs/scope-migrate.1"));
  ASSERT_FALSE(man.empty());
  auto roff = [](const std::string& text) {  // "-" is written "\-" in roff
    std::string out;
    for (const char c : text) out += c == '-' ? std::string("\\-") : std::string(1, c);
    return out;
  };
  for (const CommandSummary& command : CommandSummaries()) {
    EXPECT_NE(man.find(".B scope-migrate " + command.name), std::string::npos) << command.name;
    for (const auto& option : command.options) {
      EXPECT_NE(man.find(roff(option)), std::string::npos) << command.name << " " << option;
    }
  }
}

TEST_F(CliTest, BashCompletionCompletesCommandsFlagsAndFormats) {
  const std::string script = Dir() + "/completion.bash";
  const ToolResult made = RunTool({"completion", "bash"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  testing::WriteFile(script, made.out);
  auto complete = [&script](const std::string& words, int cword) {
    const std::string command = "bash -c 'source " + script + "; COMP_WORDS=(" + words +
                                "); COMP_CWORD=" + std::to_string(cword) +
                                "; _scope_migrate; echo \"${COMPREPLY[*]}\"'";
    std::FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    pclose(pipe);
    return out;
  };
  EXPECT_EQ(complete("scope-migrate ro", 1), "rollback\n");
  EXPECT_EQ(complete("scope-migrate apply --allow-b", 2), "--allow-blocked\n");
  EXPECT_EQ(complete("scope-migrate apply --allow", 2), "--allow-blocked --allow-other-database\n");
  EXPECT_EQ(complete("scope-migrate verify --format ''", 3), "text junit github\n");
  EXPECT_EQ(complete("scope-migrate plan --pr", 2), "--prune --progress --progress-every\n");
  EXPECT_EQ(RunTool({"completion", "zsh"}).exit_code, 64);
}

// ---- show ----------------------------------------------------------------------------------

// `show` renders a saved plan without a database: byte for byte the plan's own report.
TEST_F(CliTest, ShowOfAPlanEqualsThePlansOwnReportInEveryFormat) {
  for (const char* name : {"/p.jsonl", "/p.jsonl.zst"}) {
    const std::string plan = Dir() + name;
    ASSERT_EQ(
        RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--out", plan}).exit_code,
        0);
    for (const char* format : {"text", "jsonl", "csv", "markdown", "html"}) {
      for (const char* max_keys : {"1000", "3"}) {
        const ToolResult planned = RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping,
                                            "--format", format, "--max-keys", max_keys});
        const ToolResult shown =
            RunTool({"show", plan, "--format", format, "--max-keys", max_keys});
        ASSERT_EQ(shown.exit_code, 0) << shown.err;
        EXPECT_EQ(shown.out, planned.out) << name << " " << format << " " << max_keys;
        EXPECT_EQ(shown.err, "");
      }
    }
  }
}

TEST_F(CliTest, EveryReportShowsThePlansSha256) {
  const std::string plan = Dir() + "/p.jsonl";
  const ToolResult text =
      RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--out", plan});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::string file = testing::ReadFile(plan);
  const std::string sha = file.substr(file.rfind("\"sha256\":\"") + 10, 64);
  EXPECT_NE(text.out.find("\nplan sha256 " + sha + "\n"), std::string::npos) << text.out;
  const ToolResult csv = RunTool({"show", plan, "--format", "csv"});
  EXPECT_NE(csv.out.find(",,plan,,,sha256 " + sha + ",\r\n"), std::string::npos);
  const ToolResult markdown = RunTool({"show", plan, "--format", "markdown"});
  EXPECT_NE(markdown.out.find("Plan sha256: `" + sha + "`"), std::string::npos);
}

TEST_F(CliTest, ShowRefusesADamagedPlanWith65) {
  const std::string plan = Dir() + "/p.jsonl";
  ASSERT_EQ(
      RunTool({"plan", "--fixtures", kFixtures, "--mapping", kMapping, "--out", plan}).exit_code,
      0);
  std::string text = testing::ReadFile(plan);
  text[text.find("\"tenant\":\"acme\"") + 11] = 'X';
  testing::WriteFile(plan, text);
  const ToolResult r = RunTool({"show", plan});
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("the summary's sha256 does not match the file's content"), std::string::npos)
      << r.err;
  EXPECT_EQ(RunTool({"show"}).exit_code, 64);
  EXPECT_EQ(RunTool({"show", plan, "--format", "junit"}).exit_code, 64);
}

TEST_F(CliTest, PlanWithABrokenFixtureFileExits65) {
  const ToolResult r =
      RunTool({"plan", "--fixtures", "no/such/fixtures.yaml", "--mapping", kMapping});
  EXPECT_EQ(r.exit_code, 65);
  EXPECT_EQ(r.err, "scope-migrate: no/such/fixtures.yaml: cannot read file\n");
}

}  // namespace
}  // namespace scope_migrate
