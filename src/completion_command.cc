#include "completion_command.h"

#include <sstream>

namespace scope_migrate {

bool TakesFileName(const std::string& option) {
  for (const char* name : {"--mapping", "--fixtures", "--layout", "--out", "--targets"}) {
    if (option == name) return true;
  }
  return false;
}

std::string BashCompletion(const std::vector<CommandSummary>& commands) {
  std::ostringstream out;
  std::string names;
  for (const auto& command : commands) names += command.name + " ";
  out << "# bash completion for scope-migrate (made by `scope-migrate completion bash`)\n"
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
    out << "    " << command.name << ") options=\"" << options << "\" formats=\"" << formats
        << "\" ;;\n";
  }
  out << "  esac\n  case \"$prev\" in\n    ";
  bool first = true;
  for (const char* option : {"--mapping", "--fixtures", "--layout", "--out"}) {
    if (!TakesFileName(option)) continue;
    out << (first ? "" : "|") << option;
    first = false;
  }
  out << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
      << "    --format) COMPREPLY=($(compgen -W \"$formats\" -- \"$cur\")); return ;;\n"
      << "  esac\n"
      << "  if [[ \"$cur\" == -* ]]; then\n"
      << "    COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
      << "  else\n"
      << "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      << "  fi\n"
      << "}\n"
      << "complete -F _scope_migrate scope-migrate\n";
  return out.str();
}

}  // namespace scope_migrate
