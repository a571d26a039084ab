// Command-line parsing (Boost.Program_options) and dispatch, from the one table of commands
// in cli_table.h. Usage errors exit 64 with a one-line reason and a pointer to
// `scope-migrate COMMAND --help`; every ToolError from a command is printed and mapped to its exit
// code here and nowhere else.
#include "cli.h"

#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>

#include "base/did_you_mean.h"
#include "base/durations.h"
#include "base/errors.h"
#include "base/event_log.h"
#include "base/shell_quote.h"
#include "base/utf8.h"
#include "base/version.h"
#include "cli_table.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "pg/db.h"

namespace po = boost::program_options;

namespace scope_migrate {
namespace {

int64_t DurationOption(const po::variables_map& vm, const char* name) {
  const std::string text = vm[name].as<std::string>();
  const auto ms = ParseDurationMs(text);
  if (!ms) {
    throw UsageError("--" + std::string(name) + " \"" + text +
                     "\" is not a duration (e.g. 500ms, 5s, 2min)");
  }
  return *ms;
}

// The command line as typed, for resume hints: any password in --db masked, every
// argument quoted for POSIX sh (ShellQuote) so a paste runs exactly this command.
std::string CommandLine(const std::vector<std::string>& args) {
  std::vector<std::string> shown = {"scope-migrate"};
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (i > 0 && args[i - 1] == "--db") arg = RedactConninfo(arg);
    if (arg.rfind("--db=", 0) == 0) arg = "--db=" + RedactConninfo(arg.substr(5));
    shown.push_back(arg);
  }
  return ShellCommand(shown);
}

// Every argument is UTF-8 (names, tenants and ids end in JSON and reports): ToolError(64)
// naming the flag whose value is not, without echoing the bytes.
void CheckArgumentsUtf8(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const size_t bad = InvalidUtf8Offset(args[i]);
    if (bad == std::string::npos) continue;
    std::string what = "argument " + std::to_string(i + 1);
    size_t offset = bad;  // within the value where the argument is --flag=value
    if (args[i].rfind("--", 0) == 0) {
      const size_t eq = args[i].find('=');
      what = "the value of " + args[i].substr(0, eq);
      if (eq != std::string::npos && bad > eq) offset = bad - eq - 1;
    } else if (i > 0 && args[i - 1].rfind("--", 0) == 0 &&
               args[i - 1].find('=') == std::string::npos) {
      what = "the value of " + args[i - 1];
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(args[i][bad]));
    throw UsageError(what + " is not valid UTF-8 (byte " + hex + " at offset " +
                     std::to_string(offset) + ")");
  }
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

// Our message for a positional argument a command does not take, with the flag that was
// probably meant.
ToolError StrayArgument(const Command& command, const po::variables_map& vm) {
  const std::string stray = vm["stray"].as<std::vector<std::string>>().front();
  const std::string name = command.name;
  if (command.groups & (kPlanFileArgument | kShellArgument)) {
    return UsageError(name + " takes one positional argument (" +
                      (command.groups & kShellArgument ? "the shell" : "the PLANFILE") + "); \"" +
                      stray + "\" is one too many");
  }
  std::string hint;
  if (command.groups & kMappingOption) {
    hint = "--mapping " + stray;
    if (command.groups & kFixturesOption) hint += " or --fixtures " + stray;
  } else if (command.groups & kRunOption) {
    hint = "--run " + stray;
  }
  return UsageError(name + " takes no positional argument (\"" + stray + "\")" +
                    (hint.empty() ? "" : "; did you mean " + hint + "?"));
}

po::variables_map ParseOptions(const std::vector<std::string>& args,
                               const po::options_description& all, const Command& command) {
  po::positional_options_description positional;
  if (command.groups & kPlanFileArgument) positional.add("plan-file", 1);
  if (command.groups & kShellArgument) positional.add("shell", 1);
  positional.add("stray", -1);
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
    throw UnknownOption(e, CommandOptions(command).add(CommonOptions()));
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("stray")) throw StrayArgument(command, vm);
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

// --expect-sha256: 64 hex digits, either case, kept in lower case; else a usage error.
std::optional<std::string> ExpectSha256Option(const po::variables_map& vm) {
  std::optional<std::string> hex = Text(vm, "expect-sha256");
  if (!hex) return hex;
  const bool is_hex = hex->size() == 64 && std::all_of(hex->begin(), hex->end(), [](char c) {
                        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                      });
  if (!is_hex) throw UsageError("--expect-sha256 must be 64 hexadecimal digits (a plan's sha256)");
  for (char& c : *hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hex;
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
  o.note = Text(vm, "note");
  o.expect_sha256 = ExpectSha256Option(vm);
  o.metrics_file = Text(vm, "metrics-file");
  if (o.metrics_file && o.metrics_file->empty()) throw UsageError("--metrics-file needs a path");
  o.shell = Text(vm, "shell").value_or("");
  if (vm.count("tenant")) o.filter.tenants = vm["tenant"].as<std::vector<std::string>>();
  if (vm.count("key")) o.filter.ids = vm["key"].as<std::vector<std::string>>();
  o.targets = Text(vm, "targets");
  if (vm.count("target")) o.target_names = vm["target"].as<std::vector<std::string>>();
}

// --parallel-targets and --on-error.
void ReadFleetOptions(const po::variables_map& vm, Options& o) {
  if (vm.count("parallel-targets")) {
    const int64_t n = vm["parallel-targets"].as<int64_t>();
    if (n < 1 || n > 64) throw UsageError("--parallel-targets must be between 1 and 64");
    o.parallel_targets = static_cast<int>(n);
  }
  if (vm.count("on-error")) {
    const std::string value = vm["on-error"].as<std::string>();
    if (value != "stop" && value != "continue") {
      throw UsageError("--on-error must be stop or continue");
    }
    o.stop_on_error = value == "stop";
  }
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
  o.allow_other_database = vm.count("allow-other-database") > 0;
  o.single_transaction = vm.count("single-transaction") > 0;
  o.revoke = vm.count("revoke") > 0;
  o.approver = vm.count("approver") > 0;
}

void ReadNumbers(const po::variables_map& vm, Options& o) {
  o.timeouts.lock_timeout_ms = DurationOption(vm, "lock-timeout");
  if (vm.count("statement-timeout")) {
    o.timeouts.statement_timeout_ms = DurationOption(vm, "statement-timeout");
  }
  if (vm.count("pause")) o.pause_ms = DurationOption(vm, "pause");
  if (vm.count("batch-time")) o.batch_time_ms = DurationOption(vm, "batch-time");
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
  if (vm.count("pause-file")) o.pause_file = vm["pause-file"].as<std::string>();
  if (o.pause_file && o.pause_file->empty()) throw UsageError("--pause-file needs a path");
  if (o.single_transaction &&
      (vm.count("pause") || vm.count("max-rate") || vm.count("pause-file"))) {
    throw UsageError(
        "--single-transaction conflicts with --pause, --max-rate and --pause-file: waiting "
        "inside the one transaction would only hold its locks longer");
  }
  if (vm.count("run")) o.run_id = vm["run"].as<int64_t>();
  if (vm.count("require-approvals")) {
    o.require_approvals = vm["require-approvals"].as<int64_t>();
    if (o.require_approvals < 0) throw UsageError("--require-approvals must not be negative");
  }
}

// Flags that look like they should work and would mislead if taken for something else.
void RefuseMisleadingFlags(const std::vector<std::string>& args) {
  if (args[0] != "apply") return;
  for (const std::string& arg : args) {
    if (arg == "--dry-run" || arg.rfind("--dry-run=", 0) == 0) {
      throw UsageError(
          "apply has no --dry-run: `scope-migrate plan` is the dry run (it writes nothing; "
          "save it with --out and apply that file)");
    }
  }
}

// A reader that closes stdout early (`show plan.jsonl | head -1`) must not kill the tool
// with SIGPIPE: the write fails with EPIPE instead, and this notes that it happened.
volatile std::sig_atomic_t g_broken_pipe = 0;

void OnBrokenPipe(int) { g_broken_pipe = 1; }

void CatchBrokenPipe() {
  struct sigaction action = {};
  action.sa_handler = OnBrokenPipe;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGPIPE, &action, nullptr);
}

// Whether a failure is only the reader of our output having gone, as after `| head`: the
// command then ends quietly with 0, as `git log | head` does. Not for the commands that
// write to the database (apply, rollback, approve), whose exit code reports the writes.
bool ReaderWentAway(const ToolError& e, const std::string& command) {
  return g_broken_pipe != 0 && e.exit_code() == kExitFailure && command != "apply" &&
         command != "rollback" && command != "approve";
}

int64_t SizeOption(const po::variables_map& vm, const char* name) {
  const std::string text = vm[name].as<std::string>();
  const auto bytes = ParseByteSize(text);
  if (!bytes) {
    throw UsageError("--" + std::string(name) + " \"" + text +
                     "\" is not a size (e.g. 1048576, 512MB, 1GiB)");
  }
  return *bytes;
}

// --log-format text|json, set for the whole process before anything is said on stderr.
void ReadLogFormat(const po::variables_map& vm) {
  if (!vm.count("log-format")) return;
  const std::string format = vm["log-format"].as<std::string>();
  if (format != "text" && format != "json") throw UsageError("--log-format must be text or json");
  SetLogFormat(format == "json" ? LogFormat::kJson : LogFormat::kText);
}

// Whether the arguments ask for --log-format json, for an error found while parsing them.
bool AsksJsonLog(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--log-format=json") return true;
    if (arg == "--log-format" && i + 1 < argc && std::string(argv[i + 1]) == "json") return true;
  }
  return false;
}

// The health throttle's limits (SPEC 11.2).
void ReadHealthLimits(const po::variables_map& vm, Options& o) {
  if (vm.count("max-replica-lag")) {
    o.health.replica_lag_ms = DurationOption(vm, "max-replica-lag");
  }
  if (vm.count("max-replica-lag-bytes")) {
    o.health.replica_lag_bytes = SizeOption(vm, "max-replica-lag-bytes");
  }
  if (vm.count("max-slot-lag")) o.health.slot_lag_bytes = SizeOption(vm, "max-slot-lag");
}

void PrintVersion() {
  std::cout << "scope-migrate " << ToolVersion() << " (commit " << ToolCommit() << ")\n";
}

}  // namespace

Options ParseCommandLine(int argc, char** argv, std::optional<int>* exit_now) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) throw UsageError("no command given");
  // `help COMMAND` is `COMMAND --help`.
  if (args[0] == "help" && args.size() == 2) args = {args[1], "--help"};
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
  CheckArgumentsUtf8(args);
  const Command* command = FindCommand(args[0]);
  if (command == nullptr) {
    const auto near = DidYouMean(args[0], CommandNames());
    throw UsageError("unknown command \"" + args[0] + "\"" +
                     (near ? "; did you mean " + *near + "?" : ""));
  }
  RefuseMisleadingFlags(args);
  Options o;
  o.command = args[0];
  o.command_line = CommandLine(args);
  po::options_description all;
  all.add(CommandOptions(*command)).add(CommonOptions()).add(InternalOptions());
  const po::variables_map vm = ParseOptions(args, all, *command);
  if (vm.count("help") || vm.count("version")) {
    if (vm.count("help")) std::cout << CommandHelp(*command);
    if (!vm.count("help")) PrintVersion();
    *exit_now = kExitOk;
    return o;
  }
  ReadLogFormat(vm);
  ReadTextOptions(vm, o);
  if (o.out && *o.out == "-") {
    throw UsageError(
        "--out - would write a file named \"-\": the report already goes to stdout; give --out "
        "the plan file's name");
  }
  o.format_name = FormatOption(vm, *command);
  o.format = ReportFormatNamed(o.format_name);
  ReadSwitches(vm, o);
  ReadNumbers(vm, o);
  ReadHealthLimits(vm, o);
  ReadFleetOptions(vm, o);
  o.forwarded_args = ForwardedArgs(vm, all);
  if (o.db && o.fixtures) throw UsageError("--db and --fixtures conflict: give one SOURCE");
  command->check(o);
  return o;
}

int RunCli(int argc, char** argv) {
  // Reports can be hundreds of megabytes: let std::cout buffer on its own.
  std::ios::sync_with_stdio(false);
  CatchBrokenPipe();
  Options options;
  try {
    std::optional<int> exit_now;
    options = ParseCommandLine(argc, argv, &exit_now);
    if (exit_now) return *exit_now;
  } catch (const ToolError& e) {
    if (AsksJsonLog(argc, argv)) {
      SetLogFormat(LogFormat::kJson);
      ReportError(e.exit_code(), e.what());
    } else {
      // The reason, and where to read more: not the usage of every command.
      const Command* command = argc > 1 ? FindCommand(argv[1]) : nullptr;
      std::cerr << "scope-migrate: " << e.what() << "\nsee `scope-migrate "
                << (command ? std::string(command->name) + " --help" : std::string("--help"))
                << "`\n";
    }
    return e.exit_code();
  }
  // Names the tool in pg_stat_activity without a session SET; the user's PGAPPNAME or
  // application_name in --db wins.
  setenv("PGAPPNAME", ("scope-migrate " + options.command).c_str(), 0);
  try {
    return FindCommand(options.command)->run(options);
  } catch (const ToolError& e) {
    std::cout.flush();
    if (ReaderWentAway(e, options.command)) return kExitOk;
    ReportError(e.exit_code(), e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cout.flush();
    ReportError(kExitFailure, DbFailure(e, options.command).what());
    return kExitFailure;
  }
}

}  // namespace scope_migrate
