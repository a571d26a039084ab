// The table of commands cli.cc parses with: each row names a command, its synopsis, the
// groups of options it takes, the checks of its arguments and the function that runs it;
// and the Boost.Program_options descriptions and the usage text built from it. Nothing
// here parses a command line; the table is constant and the same for every caller.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "commands/options.h"

namespace scope_migrate {

// Groups of options; a command takes the union of its groups and the common options.
enum OptionGroup : unsigned {
  kMappingOption = 1 << 0,     // --mapping
  kFixturesOption = 1 << 1,    // --fixtures
  kPlanningOptions = 1 << 2,   // --cutoff --prune --tenant --key
  kFormatOption = 1 << 3,      // --format (values: the command's `formats`)
  kMaxKeysOption = 1 << 4,     // --max-keys
  kPlanOutOptions = 1 << 5,    // --out --detailed-exitcode
  kPlanFileArgument = 1 << 6,  // PLANFILE
  kApplyOptions = 1 << 7,      // --allow-blocked --single-transaction --expect-sha256
  // --batch-size --batch-time --jobs --operator --pause --max-rate --yes --lock-lease
  // --max-replica-lag --max-replica-lag-bytes --max-slot-lag --log-format --metrics-file
  kWritingOptions = 1 << 8,
  kRunOption = 1 << 9,            // --run
  kRollbackPlanOption = 1 << 10,  // --plan
  kAuditSqlOptions = 1 << 11,     // --grant-to
  kShellArgument = 1 << 12,       // SHELL (completion)
  kApproveOptions = 1 << 13,      // --note --revoke
  kFleetOptions = 1 << 14,        // --targets --target
  kFleetRunOptions = 1 << 15,     // --parallel-targets --on-error
};

struct Command {
  const char* name;
  const char* synopsis;  // lines after the name in the usage
  unsigned groups;
  const char* formats;  // the values --format takes, first the default ("" without --format)
  void (*check)(const Options&);  // required and conflicting arguments
  int (*run)(const Options&);
  const char* example;  // one command line, shown by COMMAND --help
};

// The row of the command `name`, or nullptr.
const Command* FindCommand(const std::string& name);

// The names of the commands, in the table's order.
std::vector<std::string> CommandNames();

// The usage text: every command's synopsis and the common options.
std::string Usage();

// The options every command takes, and those of `command`'s groups, as help shows them.
boost::program_options::options_description CommonOptions();
boost::program_options::options_description CommandOptions(const Command& command);
// The options the parser needs but help and did-you-mean never show: the PLANFILE and SHELL
// arguments, and "stray", which collects positional arguments a command does not take.
boost::program_options::options_description InternalOptions();

// The options given, as each target's own process of a fleet takes them again: every
// option not left at its default, as --NAME=VALUE (a switch as --NAME), but the SOURCE, the
// positional arguments, --plan and the fleet's own options (commands/fleet_targets.h adds
// each target's --db, --layout and plan).
std::vector<std::string> ForwardedArgs(const boost::program_options::variables_map& vm,
                                       const boost::program_options::options_description& all);

// `COMMAND --help`: the synopsis, the command's options with their value names, the common
// options and an example.
std::string CommandHelp(const Command& command);

}  // namespace scope_migrate
