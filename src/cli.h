// The command line as data, for what describes it rather than parses it: the bash
// completion (`scope-migrate completion bash`) and the tests that hold the man page to
// every command and flag. Built from the same table cli.cc parses with.
#pragma once

#include <string>
#include <vector>

namespace scope_migrate {

struct CommandSummary {
  std::string name;
  std::vector<std::string> options;  // long names with "--", common options included
  std::vector<std::string> formats;  // the values of --format, empty without it
};

std::vector<CommandSummary> CommandSummaries();

// The options that take a file name (completed with file names).
bool TakesFileName(const std::string& option);

}  // namespace scope_migrate
