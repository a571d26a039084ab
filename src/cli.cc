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
#include "cli_values.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "pg/db.h"

namespace po = boost::program_options;

namespace scope_migrate {
namespace {

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

// The internal options are positional arguments' names: typed as flags (`--plan-file x`),
// they are as unknown as any other flag help does not show.
void RefuseTypedInternalOptions(const po::parsed_options& parsed) {
  for (const po::option& option : parsed.options) {
    if (option.position_key == -1 && IsInternalOption(option.string_key)) {
      throw UsageError("unrecognised option '--" + option.string_key + "'");
    }
  }
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
    const po::parsed_options parsed =
        po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
            .options(all)
            .positional(positional)
            .style(style)
            .run();
    RefuseTypedInternalOptions(parsed);
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    throw UnknownOption(e, CommandOptions(command).add(CommonOptions()));
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("stray")) throw StrayArgument(command, vm);
  return vm;
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

// Whether the arguments ask for --log-format json, for an error found while parsing them.
bool AsksJsonLog(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--log-format=json") return true;
    if (arg == "--log-format" && i + 1 < argc && std::string(argv[i + 1]) == "json") return true;
  }
  return false;
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
  ReadOptionValues(vm, *command, o);
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
