// The tables cli.cc parses with: each command's row names it, its synopsis, the groups of
// options it takes, the checks of its arguments and the function that runs it; each option's
// row (in cli_table.cc) its group, kind of value, value name, default and help. The
// Boost.Program_options descriptions, the usage text and the completion's summaries are
// built from them. Nothing
// here parses a command line; the table is constant and the same for every caller.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "cli_options.h"
#include "commands/options.h"
#include "completion_command.h"

namespace scope_migrate {

struct Command {
  const char* name;
  const char* synopsis;  // lines after the name in the usage
  unsigned groups;
  const char* formats;  // the values --format takes, first the default ("" without --format)
  void (*check)(const Options&);  // required and conflicting arguments
  int (*run)(const Options&);
  const char* example;  // one command line, shown by COMMAND --help
};

// Every command with its options and formats, for completion and the man page's test.
std::vector<CommandSummary> CommandSummaries();

// The row of the command `name`, or nullptr.
const Command* FindCommand(const std::string& name);

// The names of the commands, in the table's order.
std::vector<std::string> CommandNames();

// The usage text: every command's synopsis and the common options.
std::string Usage();

// The options of `command`'s groups, as help shows them (CommonOptions() has the others).
boost::program_options::options_description CommandOptions(const Command& command);

// `COMMAND --help`: the synopsis, the command's options with their value names, the common
// options and an example.
std::string CommandHelp(const Command& command);

}  // namespace scope_migrate
