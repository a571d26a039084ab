// The commands, one function each (one file each in this folder): each takes the parsed
// command line, does its work and returns the exit code of exit_codes.h. A failure the user
// must see is thrown as ToolError (errors.h) and turned into its message and code by RunCli.
#pragma once

#include "commands/options.h"

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

}  // namespace scope_migrate
