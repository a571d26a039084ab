// Command-line parsing (Boost.Program_options) and dispatch, from one table of commands:
// each row names the command, its synopsis, the groups of options it takes, the checks of
// its arguments and the function that runs it. Usage errors exit 64 with a one-line reason
// and the usage; every ToolError from a command is printed and mapped to its exit code
// here and nowhere else.
#include "cli.h"

#include <stdlib.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <iostream>
#include <map>

#include "base/did_you_mean.h"
#include "base/durations.h"
#include "base/errors.h"
#include "base/version.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "pg/db.h"

namespace po = boost::program_options;

namespace scope_migrate {
namespace {

// Groups of options; a command takes the union of its groups and the common options.
enum OptionGroup : unsigned {
  kMappingOption = 1 << 0,     // --mapping
  kFixturesOption = 1 << 1,    // --fixtures
  kPlanningOptions = 1 << 2,   // --cutoff --prune --tenant --key
  kFormatOption = 1 << 3,      // --format (values: the command's `formats`)
  kMaxKeysOption = 1 << 4,     // --max-keys
  kPlanOutOptions = 1 << 5,    // --out --detailed-exitcode
  kPlanFileArgument = 1 << 6,  // PLANFILE
  kApplyOptions = 1 << 7,      // --allow-blocked --single-transaction
  kWritingOptions = 1 << 8,  // --batch-size --jobs --operator --pause --max-rate --yes --lock-lease
  kRunOption = 1 << 9,       // --run
  kRollbackPlanOption = 1 << 10,  // --plan
  kAuditSqlOptions = 1 << 11,     // --grant-to
  kShellArgument = 1 << 12,       // SHELL (completion)
};

struct Command {
  const char* name;
  const char* synopsis;  // lines after the name in the usage
  unsigned groups;
  const char* formats;  // the values --format takes, first the default ("" without --format)
  void (*check)(const Options&);  // required and conflicting arguments
  int (*run)(const Options&);
};

void NeedsMapping(const Options& o) {
  if (!o.mapping) throw UsageError(o.command + " needs --mapping FILE");
}

void CheckVerify(const Options& o) {
  NeedsMapping(o);
  if (!o.fixtures) throw UsageError("verify needs --fixtures FILE");
}

void CheckApply(const Options& o) {
  if (o.plan_file && (o.mapping || o.cutoff || o.prune)) {
    throw UsageError(
        "apply takes either a PLANFILE or --mapping, not both (a plan file is applied exactly "
        "as planned)");
  }
  if (!o.plan_file && !o.mapping)
    throw UsageError("apply needs a PLANFILE or --mapping FILE --yes");
  if (!o.plan_file && !o.yes) {
    throw UsageError(
        "apply --mapping plans and writes in one go and needs --yes (or save a plan with "
        "`plan --out` and apply that file)");
  }
}

void CheckRollback(const Options& o) {
  if ((o.run_id > 0) == o.rollback_plan.has_value()) {
    throw UsageError("rollback needs one of --run RUN_ID and --plan SHA256");
  }
}

void CheckShow(const Options& o) {
  if (!o.plan_file) throw UsageError("show needs a PLANFILE");
}

void CheckCompletion(const Options& o) {
  if (o.shell != "bash")
    throw UsageError("completion supports bash: scope-migrate completion bash");
}

void NoCheck(const Options&) {}

const Command kCommands[] = {
    {"lint", "--mapping FILE [--format text|markdown]", kMappingOption | kFormatOption,
     "text|markdown", NeedsMapping, RunLintCommand},
    {"verify", "--mapping FILE --fixtures FILE [--format text|junit|github]",
     kMappingOption | kFixturesOption | kFormatOption, "text|junit|github", CheckVerify,
     RunVerifyCommand},
    {"plan",
     "SOURCE --mapping FILE [--cutoff INSTANT] [--prune]\n"
     "[--format text|jsonl|csv|markdown] [--out PLANFILE] [--detailed-exitcode]\n"
     "[--tenant T]... [--key ID]... [--max-keys N]",
     kMappingOption | kFixturesOption | kPlanningOptions | kFormatOption | kMaxKeysOption |
         kPlanOutOptions,
     "text|jsonl|csv|markdown", NeedsMapping, RunPlanCommand},
    {"show", "PLANFILE [--format text|jsonl|csv|markdown] [--max-keys N]",
     kPlanFileArgument | kFormatOption | kMaxKeysOption, "text|jsonl|csv|markdown", CheckShow,
     RunShowCommand},
    {"apply",
     "SOURCE (PLANFILE | --mapping FILE [--cutoff I] [--prune] --yes)\n"
     "[--allow-blocked] [--batch-size N] [--jobs N] [--single-transaction] [--operator NAME]\n"
     "[--tenant T]... [--key ID]... [--pause D] [--max-rate KEYS] [--lock-lease D]",
     kMappingOption | kPlanningOptions | kPlanFileArgument | kApplyOptions | kWritingOptions, "",
     CheckApply, RunApplyCommand},
    {"rollback",
     "SOURCE (--run RUN_ID | --plan SHA256) [--yes] [--operator NAME]\n"
     "[--batch-size N] [--jobs N] [--pause D] [--max-rate KEYS] [--lock-lease D]",
     kWritingOptions | kRunOption | kRollbackPlanOption, "", CheckRollback, RunRollbackCommand},
    {"history", "SOURCE [--run RUN_ID [--format text|jsonl|csv]]", kRunOption | kFormatOption,
     "text|jsonl|csv", NoCheck, RunHistoryCommand},
    {"audit-sql", "[--audit-schema NAME] [--grant-to ROLE] [--layout FILE]", kAuditSqlOptions, "",
     NoCheck, RunAuditSqlCommand},
    {"completion", "bash", kShellArgument, "", CheckCompletion, RunCompletionCommand},
};

const Command* FindCommand(const std::string& name) {
  for (const Command& command : kCommands) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

std::string Usage() {
  std::string usage = "usage: scope-migrate COMMAND [options]\n";
  for (const Command& command : kCommands) {
    std::string name = command.name;
    name.resize(std::max<size_t>(9, name.size() + 1), ' ');
    std::string synopsis = command.synopsis;
    for (size_t at = 0; (at = synopsis.find('\n', at)) != std::string::npos; at += 12) {
      synopsis.replace(at, 1, "\n           ");
    }
    usage += "  " + name + synopsis + "\n";
  }
  return usage +
         "common: [--layout FILE] [--audit-schema NAME] [--lock-timeout D] [--statement-timeout "
         "D]\n"
         "        [--progress|--no-progress] [--progress-every D] [--quiet] [--verbose] --help "
         "--version\n"
         "SOURCE: --db CONNINFO (libpq keyword/value string or URI; without it, the PG* "
         "variables)\n"
         "        --fixtures FILE (lint, verify, plan only)\n";
}

po::options_description CommonOptions() {
  po::options_description d("common options");
  d.add_options()("help,h", "show this help")("version", "show the version")(
      "db", po::value<std::string>(), "libpq conninfo or URI (default: PG* variables)")(
      "layout", po::value<std::string>(), "YAML file renaming tables and columns")(
      "audit-schema", po::value<std::string>(),
      "schema of the audit tables (default: that of the keys table)")(
      "lock-timeout", po::value<std::string>()->default_value("5s"),
      "lock_timeout of every transaction")("statement-timeout", po::value<std::string>(),
                                           "statement_timeout of every transaction (default none)")(
      "progress",
      "progress on stderr even when it is not a terminal (then a line every --progress-every)")(
      "progress-every", po::value<std::string>(),
      "interval of progress lines in logs (default 5s)")("no-progress", "no progress line")(
      "quiet,q", "only errors on stderr")("verbose,v", "timings per phase on stderr");
  return d;
}

po::options_description CommandOptions(const Command& command) {
  po::options_description d(std::string(command.name) + " options");
  auto add = d.add_options();
  const unsigned g = command.groups;
  if (g & kFormatOption) {
    const std::string formats = command.formats;
    add("format", po::value<std::string>(),
        (formats + " (default " + formats.substr(0, formats.find('|')) + ")").c_str());
  }
  if (g & kMappingOption)
    add("mapping", po::value<std::string>(), "the role-to-scope mapping (YAML)");
  if (g & kFixturesOption)
    add("fixtures", po::value<std::string>(), "read keys from a fixture file");
  if (g & kPlanningOptions) {
    add("cutoff", po::value<std::string>(), "RFC 3339 instant overriding the mapping's cutoff");
    add("prune", "remove scopes outside the target");
    add("tenant", po::value<std::vector<std::string>>(), "only keys of this tenant (repeatable)");
    add("key", po::value<std::vector<std::string>>(), "only this key id (repeatable)");
  }
  if (g & kMaxKeysOption) {
    add("max-keys", po::value<int64_t>()->default_value(1000),
        "text: per-key lines shown; markdown: blocked keys listed");
  }
  if (g & kPlanOutOptions) {
    add("out", po::value<std::string>(), "also write the plan file (JSON Lines; .gz, .zst)");
    add("detailed-exitcode", "exit 0 nothing pending, 2 changes pending, 3 blocked keys");
  }
  if (g & kPlanFileArgument) add("plan-file", po::value<std::string>(), "the plan file");
  if (g & kApplyOptions) {
    add("allow-blocked", "apply the other keys when some are blocked");
    add("single-transaction", "the whole run in one transaction");
  }
  if (g & kWritingOptions) {
    add("batch-size", po::value<int64_t>()->default_value(1000), "keys per transaction");
    add("jobs", po::value<int64_t>()->default_value(1), "connections writing batches in parallel");
    add("operator", po::value<std::string>(), "who runs it (default: the OS user)");
    add("pause", po::value<std::string>(), "pause between batches, e.g. 200ms");
    add("max-rate", po::value<double>(), "at most this many keys per second");
    add("yes,y", "really write");
    add("lock-lease", po::value<std::string>()->default_value("2min"),
        "a run's lease may be taken over when its heartbeat is older than this");
  }
  if (g & kRunOption)
    add("run", po::value<int64_t>(), "the run (rollback: the apply run to revert)");
  if (g & kRollbackPlanOption) {
    add("plan", po::value<std::string>(), "revert every apply run of this plan (its sha256)");
  }
  if (g & kAuditSqlOptions) add("grant-to", po::value<std::string>(), "also print the GRANTs");
  if (g & kShellArgument) add("shell", po::value<std::string>(), "the shell (bash)");
  return d;
}

int64_t DurationOption(const po::variables_map& vm, const char* name) {
  const std::string text = vm[name].as<std::string>();
  const auto ms = ParseDurationMs(text);
  if (!ms) {
    throw UsageError("--" + std::string(name) + " \"" + text +
                     "\" is not a duration (e.g. 500ms, 5s, 2min)");
  }
  return *ms;
}

// The command line as typed, for resume hints: any password in --db masked, quoted where
// a shell needs it.
std::string CommandLine(const std::vector<std::string>& args) {
  std::string line = "scope-migrate";
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (i > 0 && args[i - 1] == "--db") arg = RedactConninfo(arg);
    if (arg.rfind("--db=", 0) == 0) arg = "--db=" + RedactConninfo(arg.substr(5));
    const bool plain = arg.find_first_of(" '\"\\$`") == std::string::npos && !arg.empty();
    line += " " + (plain ? arg : "'" + arg + "'");
  }
  return line;
}

// "unrecognised option '--pru'; did you mean --prune?" where one is close.
ToolError UnknownOption(const po::unknown_option& e, const po::options_description& all) {
  std::string typed = e.get_option_name();
  typed.erase(0, typed.find_first_not_of('-'));
  typed = typed.substr(0, typed.find('='));
  std::vector<std::string> names;
  for (const auto& option : all.options()) names.push_back(option->long_name());
  const auto near = DidYouMean(typed, names);
  return UsageError(std::string(e.what()) + (near ? "; did you mean --" + *near + "?" : ""));
}

po::variables_map ParseOptions(const std::vector<std::string>& args,
                               const po::options_description& all, const Command& command) {
  po::positional_options_description positional;
  if (command.groups & kPlanFileArgument) positional.add("plan-file", 1);
  if (command.groups & kShellArgument) positional.add("shell", 1);
  // No prefix guessing: `--pru` must not run as --prune, nor `--allow` as --allow-blocked.
  const int style = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                  .options(all)
                  .positional(positional)
                  .style(style)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    throw UnknownOption(e, all);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

std::optional<std::string> Text(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<std::string>();
}

// --format: one of the command's formats ("a|b|c"), else a usage error listing them.
std::string FormatOption(const po::variables_map& vm, const Command& command) {
  const std::string formats = command.formats;
  if (!vm.count("format")) return formats.substr(0, formats.find('|'));
  const std::string value = vm["format"].as<std::string>();
  std::vector<std::string> allowed;
  for (size_t start = 0; start <= formats.size();) {
    const size_t bar = std::min(formats.find('|', start), formats.size());
    allowed.push_back(formats.substr(start, bar - start));
    start = bar + 1;
  }
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string list;
  for (size_t i = 0; i < allowed.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
  }
  throw UsageError("--format must be " + list);
}

void ReadTextOptions(const po::variables_map& vm, Options& o) {
  o.db = Text(vm, "db");
  o.fixtures = Text(vm, "fixtures");
  o.layout = Text(vm, "layout");
  o.audit_schema = Text(vm, "audit-schema");
  o.mapping = Text(vm, "mapping");
  o.cutoff = Text(vm, "cutoff");
  o.out = Text(vm, "out");
  o.plan_file = Text(vm, "plan-file");
  o.operator_name = Text(vm, "operator");
  o.rollback_plan = Text(vm, "plan");
  o.grant_to = Text(vm, "grant-to");
  o.shell = Text(vm, "shell").value_or("");
  if (vm.count("tenant")) o.filter.tenants = vm["tenant"].as<std::vector<std::string>>();
  if (vm.count("key")) o.filter.ids = vm["key"].as<std::vector<std::string>>();
}

void ReadSwitches(const po::variables_map& vm, Options& o) {
  if (vm.count("progress") && vm.count("no-progress")) {
    throw UsageError("--progress and --no-progress conflict");
  }
  if (vm.count("progress")) o.progress = ProgressMode::kOn;
  if (vm.count("no-progress")) o.progress = ProgressMode::kOff;
  o.quiet = vm.count("quiet") > 0;
  o.verbose = vm.count("verbose") > 0;
  o.prune = vm.count("prune") > 0;
  o.detailed_exitcode = vm.count("detailed-exitcode") > 0;
  o.yes = vm.count("yes") > 0;
  o.allow_blocked = vm.count("allow-blocked") > 0;
  o.single_transaction = vm.count("single-transaction") > 0;
}

void ReadNumbers(const po::variables_map& vm, Options& o) {
  o.timeouts.lock_timeout_ms = DurationOption(vm, "lock-timeout");
  if (vm.count("statement-timeout")) {
    o.timeouts.statement_timeout_ms = DurationOption(vm, "statement-timeout");
  }
  if (vm.count("pause")) o.pause_ms = DurationOption(vm, "pause");
  if (vm.count("progress-every")) o.progress_every_ms = DurationOption(vm, "progress-every");
  if (vm.count("lock-lease")) {
    o.lock_lease_ms = DurationOption(vm, "lock-lease");
    if (o.lock_lease_ms < 1000) throw UsageError("--lock-lease must be at least 1s");
  }
  if (vm.count("max-keys")) {
    if (vm["max-keys"].as<int64_t>() < 0) throw UsageError("--max-keys must not be negative");
    o.max_keys = static_cast<size_t>(vm["max-keys"].as<int64_t>());
  }
  if (vm.count("batch-size")) {
    if (vm["batch-size"].as<int64_t>() < 1) throw UsageError("--batch-size must be at least 1");
    o.batch_size = static_cast<size_t>(vm["batch-size"].as<int64_t>());
  }
  if (vm.count("jobs")) {
    const int64_t jobs = vm["jobs"].as<int64_t>();
    if (jobs < 1 || jobs > 64) throw UsageError("--jobs must be between 1 and 64");
    o.jobs = static_cast<int>(jobs);
  }
  if (o.jobs > 1 && o.single_transaction) {
    throw UsageError(
        "--jobs and --single-transaction conflict: one transaction has one connection");
  }
  if (vm.count("max-rate")) o.max_rate = vm["max-rate"].as<double>();
  if (o.max_rate < 0) throw UsageError("--max-rate must not be negative");
  if (o.single_transaction && (vm.count("pause") || vm.count("max-rate"))) {
    throw UsageError(
        "--single-transaction conflicts with --pause and --max-rate: waiting inside the one "
        "transaction would only hold its locks longer");
  }
  if (vm.count("run")) o.run_id = vm["run"].as<int64_t>();
}

void PrintVersion() {
  std::cout << "scope-migrate " << ToolVersion() << " (commit " << ToolCommit() << ")\n";
}

}  // namespace

std::vector<CommandSummary> CommandSummaries() {
  std::vector<CommandSummary> out;
  for (const Command& command : kCommands) {
    po::options_description all;
    all.add(CommandOptions(command)).add(CommonOptions());
    CommandSummary summary{command.name, {}, {}};
    for (const auto& option : all.options()) {
      if (option->long_name() != "plan-file" && option->long_name() != "shell") {
        summary.options.push_back("--" + option->long_name());
      }
    }
    const std::string formats = command.formats;
    for (size_t start = 0; !formats.empty() && start <= formats.size();) {
      const size_t bar = std::min(formats.find('|', start), formats.size());
      summary.formats.push_back(formats.substr(start, bar - start));
      start = bar + 1;
    }
    out.push_back(summary);
  }
  return out;
}

bool TakesFileName(const std::string& option) {
  for (const char* name : {"--mapping", "--fixtures", "--layout", "--out"}) {
    if (option == name) return true;
  }
  return false;
}

Options ParseCommandLine(int argc, char** argv, std::optional<int>* exit_now) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) throw UsageError("no command given");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << Usage() << "\n" << CommonOptions();
    *exit_now = kExitOk;
    return {};
  }
  if (args[0] == "--version") {
    PrintVersion();
    *exit_now = kExitOk;
    return {};
  }
  const Command* command = FindCommand(args[0]);
  if (command == nullptr) {
    std::vector<std::string> names;
    for (const Command& c : kCommands) names.emplace_back(c.name);
    const auto near = DidYouMean(args[0], names);
    throw UsageError("unknown command \"" + args[0] + "\"" +
                     (near ? "; did you mean " + *near + "?" : ""));
  }
  Options o;
  o.command = args[0];
  o.command_line = CommandLine(args);
  po::options_description all;
  all.add(CommandOptions(*command)).add(CommonOptions());
  const po::variables_map vm = ParseOptions(args, all, *command);
  if (vm.count("help") || vm.count("version")) {
    if (vm.count("help")) std::cout << Usage() << "\n" << all;
    if (!vm.count("help")) PrintVersion();
    *exit_now = kExitOk;
    return o;
  }
  ReadTextOptions(vm, o);
  o.format_name = FormatOption(vm, *command);
  o.format = ReportFormatNamed(o.format_name);
  ReadSwitches(vm, o);
  ReadNumbers(vm, o);
  if (o.db && o.fixtures) throw UsageError("--db and --fixtures conflict: give one SOURCE");
  command->check(o);
  return o;
}

int RunCli(int argc, char** argv) {
  // Reports can be hundreds of megabytes: let std::cout buffer on its own.
  std::ios::sync_with_stdio(false);
  Options options;
  try {
    std::optional<int> exit_now;
    options = ParseCommandLine(argc, argv, &exit_now);
    if (exit_now) return *exit_now;
  } catch (const ToolError& e) {
    std::cerr << "scope-migrate: " << e.what() << "\n\n" << Usage();
    return e.exit_code();
  }
  // Names the tool in pg_stat_activity without a session SET; the user's PGAPPNAME or
  // application_name in --db wins.
  setenv("PGAPPNAME", ("scope-migrate " + options.command).c_str(), 0);
  try {
    return FindCommand(options.command)->run(options);
  } catch (const ToolError& e) {
    std::cout.flush();
    std::cerr << "scope-migrate: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "scope-migrate: " << DbFailure(e, options.command).what() << "\n";
    return kExitFailure;
  }
}

}  // namespace scope_migrate
