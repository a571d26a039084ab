// The commands, one function each (one file each in this folder): each takes the parsed
// command line, does its work and returns the exit code of exit_codes.h. A failure the user
// must see is thrown as ToolError (errors.h) and turned into its message and code by RunCli.
#pragma once

#include <set>
#include <string>

#include "commands/options.h"
#include "core/summary.h"

namespace scope_migrate {

int RunLintCommand(const Options& options);
int RunVerifyCommand(const Options& options);
int RunPlanCommand(const Options& options);
int RunApplyCommand(const Options& options);
int RunRollbackCommand(const Options& options);
int RunHistoryCommand(const Options& options);
int RunAuditSqlCommand(const Options& options);
int RunShowCommand(const Options& options);
int RunApproveCommand(const Options& options);
int RunSimulateCommand(const Options& options);
int RunEndpointsCommand(const Options& options);

// plan for one SOURCE (not a fleet): the report on stdout and, with --out, the plan file;
// its summary, with the plan's sha256.
// `overrides_found` (a fleet): the ids of --overrides' keys found in this source are added
// there, and a key missing here is no error (RunFleetPlan refuses one no target has).
Summary PlanOneSource(const Options& options, std::set<std::string>* overrides_found = nullptr);

// The fleet forms (SPEC.md 11.7), which the commands above hand over to: plan --targets,
// apply DIR, history --targets and rollback --targets.
int RunFleetPlan(const Options& options);
int RunFleetApply(const Options& options);
int RunFleetHistory(const Options& options);
int RunFleetRollback(const Options& options);
int RunFleetShow(const Options& options);     // show DIR
int RunFleetApprove(const Options& options);  // approve DIR

}  // namespace scope_migrate
