// The bash completion script (`scope-migrate completion bash`), made from the command table's
// summaries (cli_table.h) so it never lags behind a new command or flag; installed as
// share/bash-completion/completions/scope-migrate. The lowest file of the top floor: it
// includes no other header of it, and the table includes it, never the other way round.
#pragma once

#include <string>
#include <vector>

namespace scope_migrate {

struct CommandSummary {
  std::string name;
  std::vector<std::string> options;  // long names with "--", common options included
  std::vector<std::string> formats;  // the values of --format, empty without it
};

// The options that take a file name (completed with file names).
bool TakesFileName(const std::string& option);

// The script: commands, each command's flags and formats, file names after a file flag.
std::string BashCompletion(const std::vector<CommandSummary>& commands);

}  // namespace scope_migrate
