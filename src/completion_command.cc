// `scope-migrate completion bash`: prints the bash completion script, made from the command
// table itself (cli.h), so it never lags behind a new command or flag. Installed as
// share/bash-completion/completions/scope-migrate.
#include <iostream>

#include "base/exit_codes.h"
#include "cli.h"
#include "commands/options.h"

namespace scope_migrate {

int RunCompletionCommand(const Options&) {
  const std::vector<CommandSummary> commands = CommandSummaries();
  std::string names;
  for (const auto& command : commands) names += command.name + " ";
  std::cout << "# bash completion for scope-migrate (made by `scope-migrate completion bash`)\n"
            << "_scope_migrate() {\n"
            << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
            << "  local options formats\n"
            << "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
            << "    COMPREPLY=($(compgen -W \"" << names << "--help --version\" -- \"$cur\"))\n"
            << "    return\n  fi\n"
            << "  case \"${COMP_WORDS[1]}\" in\n";
  for (const auto& command : commands) {
    std::string options, formats;
    for (const auto& option : command.options) options += option + " ";
    for (const auto& format : command.formats) formats += format + " ";
    std::cout << "    " << command.name << ") options=\"" << options << "\" formats=\"" << formats
              << "\" ;;\n";
  }
  std::cout << "  esac\n  case \"$prev\" in\n    ";
  bool first = true;
  for (const char* option : {"--mapping", "--fixtures", "--layout", "--out"}) {
    if (!TakesFileName(option)) continue;
    std::cout << (first ? "" : "|") << option;
    first = false;
  }
  std::cout << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
            << "    --format) COMPREPLY=($(compgen -W \"$formats\" -- \"$cur\")); return ;;\n"
            << "  esac\n"
            << "  if [[ \"$cur\" == -* ]]; then\n"
            << "    COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
            << "  else\n"
            << "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
            << "  fi\n"
            << "}\n"
            << "complete -F _scope_migrate scope-migrate\n";
  return kExitOk;
}

}  // namespace scope_migrate
