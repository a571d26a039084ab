// `scope-migrate lint --mapping FILE`: loads and validates the mapping (Mapping::Load does
// every check) and prints one line per role.
#include <iomanip>
#include <iostream>

#include "exit_codes.h"
#include "mapping.h"
#include "options.h"

namespace scope_migrate {

int RunLintCommand(const Options& options) {
  const Mapping mapping = Mapping::Load(*options.mapping);
  if (options.quiet) return kExitOk;
  std::cout << "mapping " << mapping.path() << " is valid: " << mapping.roles().size()
            << " roles, catalog " << mapping.catalog().path() << " ("
            << mapping.catalog().scopes().size() << " scopes), cutoff "
            << FormatUtc(mapping.cutoff()) << "\n\n";
  std::cout << std::left << std::setw(32) << "role" << std::right << std::setw(7) << "scopes"
            << "  " << std::left << std::setw(10) << "read-only"
            << "privileged scopes granted\n";
  for (const Role& role : mapping.roles()) {
    std::string privileged;
    for (const auto& scope : role.scopes) {
      if (mapping.catalog().IsPrivileged(scope))
        privileged += (privileged.empty() ? "" : ", ") + scope;
    }
    std::cout << std::left << std::setw(32) << role.name << std::right << std::setw(7)
              << role.scopes.size() << "  " << std::left << std::setw(10)
              << (role.read_only ? "yes" : "no") << (privileged.empty() ? "-" : privileged) << "\n";
  }
  return kExitOk;
}

}  // namespace scope_migrate
