// The command line: parsing argv into Options (Boost.Program_options) from the one table of
// commands and options (cli_table.h), and dispatching to the commands. The top of the top
// floor: only main.cc and tests include it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commands/options.h"

namespace scope_migrate {

// Parses argv; prints help or version and returns an exit code in `exit_now` when the
// command line asks for nothing else. Throws ToolError(64) on a usage error.
Options ParseCommandLine(int argc, char** argv, std::optional<int>* exit_now);

// Parses, runs the command and maps any error to its message and exit code.
int RunCli(int argc, char** argv);

}  // namespace scope_migrate
