// The values of a parsed command line read into Options: each checked and converted here
// (durations, sizes, counts, formats, --expect-sha256), with a usage error (ToolError 64)
// naming the flag and what it takes when one is not. The command's own checks of which
// options go together are its row's `check` (cli_table.h), run after this.
#pragma once

#include <boost/program_options.hpp>

#include "cli_table.h"
#include "commands/options.h"

namespace scope_migrate {

// Fills `o` from `vm` for `command`; sets the process's log format (--log-format) first.
void ReadOptionValues(const boost::program_options::variables_map& vm, const Command& command,
                      Options& o);

}  // namespace scope_migrate
