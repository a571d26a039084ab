// The command line: parsing argv into Options (Boost.Program_options) and dispatching to the
// commands, and the command line as data for what describes it rather than parses it: the
// bash completion (`scope-migrate completion bash`) and the tests that hold the man page to
// every command and flag. Both come from the one table cli.cc parses with.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commands/options.h"

namespace scope_migrate {

struct CommandSummary {
  std::string name;
  std::vector<std::string> options;  // long names with "--", common options included
  std::vector<std::string> formats;  // the values of --format, empty without it
};

std::vector<CommandSummary> CommandSummaries();

// The options that take a file name (completed with file names).
bool TakesFileName(const std::string& option);

// Parses argv; prints help or version and returns an exit code in `exit_now` when the
// command line asks for nothing else. Throws ToolError(64) on a usage error.
Options ParseCommandLine(int argc, char** argv, std::optional<int>* exit_now);

// Parses, runs the command and maps any error to its message and exit code.
int RunCli(int argc, char** argv);

// `scope-migrate completion bash`: prints the completion script built from the table.
int RunCompletionCommand(const Options& options);

}  // namespace scope_migrate
