// The targets a fleet command works on, and the options of one target's own run: the
// fleet's options with the target's conninfo as --db and its layout (or the fleet's
// --layout) as --layout.
#pragma once

#include <string>
#include <vector>

#include "commands/options.h"
#include "pg/targets_file.h"
#include "plan/fleet_index.h"
#include "write/run_rows.h"

namespace scope_migrate {

Options TargetOptions(const Options& fleet, const Target& target);

// The targets of a fleet plan directory, in the index's order: as the index recorded them,
// or, with --targets, as that file gives the same names now (a name of the index missing
// from it is ToolError 64); then only those --target names.
std::vector<Target> TargetsOfIndex(const std::vector<FleetEntry>& index, const Options& options,
                                   const std::string& dir);

// The runs on one target (`one`: its TargetOptions), newest first: every run, or with
// `plan_sha256` the apply runs of that plan; none when the audit tables do not exist yet.
// One connection, closed before it returns; ToolError as the single commands give it.
std::vector<RunRow> TargetRuns(const Options& one,
                               const std::optional<std::string>& plan_sha256 = std::nullopt);

// The arguments that run `command` on one target as its own process: the command, the
// target's --db and --layout, `extra`, and the fleet's forwarded options, with "{target}"
// in --metrics-file replaced by the target's name.
std::vector<std::string> TargetArgs(const std::string& command, const Options& options,
                                    const Target& target, const std::vector<std::string>& extra);

// A fleet's --metrics-file must say where each target's metrics go: a path holding
// "{target}" (one file per target); ToolError 64 otherwise, before anything runs.
void CheckFleetMetricsFile(const Options& options);

}  // namespace scope_migrate
