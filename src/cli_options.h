// The options of the command line as data: one row per option (its group, kind of value,
// value name, default and help, in cli_options.cc), and the Boost.Program_options
// descriptions built from the rows. Every option that takes a value shows a value name in
// help (never Boost's "arg"). Nothing here parses a command line.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

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
  kReplayOptions = 1 << 16,       // --usage --usage-table --usage-fields --usage-since
  kSuggestOptions = 1 << 17,      // --suggest-overrides --narrow
  kFromOpenApiOption = 1 << 18,   // --from-openapi
  kOverridesOption = 1 << 19,     // --overrides
  kVerifyRunOption = 1 << 20,     // --verify RUN_ID (history)
  kEndpointsOption = 1 << 21,     // --endpoints (simulate; lint's static check)
};

// The options every command takes, as help shows them.
boost::program_options::options_description CommonOptions();

// The options of `groups` (the common ones not included) under `caption`; --format takes
// the values of `formats` ("a|b|c", the first the default).
boost::program_options::options_description OptionsOf(const std::string& caption, unsigned groups,
                                                      const std::string& formats);

// The options the parser needs but help and did-you-mean never show, and which are refused
// when typed as flags: the PLANFILE and SHELL arguments, and "stray", which collects
// positional arguments a command does not take.
boost::program_options::options_description InternalOptions();
bool IsInternalOption(const std::string& name);

// The options given, as each target's own process of a fleet takes them again: every
// option not left at its default, as --NAME=VALUE (a switch as --NAME), but the SOURCE, the
// positional arguments, --plan and the fleet's own options (commands/fleet_targets.h adds
// each target's --db, --layout and plan).
std::vector<std::string> ForwardedArgs(const boost::program_options::variables_map& vm,
                                       const boost::program_options::options_description& all);

}  // namespace scope_migrate
