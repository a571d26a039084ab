// The targets a fleet command works on, and the options of one target's own run: the
// fleet's options with the target's conninfo as --db and its layout (or the fleet's
// --layout) as --layout.
#pragma once

#include <string>
#include <vector>

#include "commands/options.h"
#include "pg/targets_file.h"
#include "plan/fleet_index.h"

namespace scope_migrate {

Options TargetOptions(const Options& fleet, const Target& target);

// The targets of a fleet plan directory, in the index's order: as the index recorded them,
// or, with --targets, as that file gives the same names now (a name of the index missing
// from it is ToolError 64); then only those --target names.
std::vector<Target> TargetsOfIndex(const std::vector<FleetEntry>& index, const Options& options,
                                   const std::string& dir);

// The arguments that run `command` on one target as its own process: the command, the
// target's --db and --layout, `extra`, and the fleet's forwarded options.
std::vector<std::string> TargetArgs(const std::string& command, const Options& options,
                                    const Target& target, const std::vector<std::string>& extra);

}  // namespace scope_migrate
