// `scope-migrate lint --mapping FILE [--format text|markdown|github]`: loads and validates
// the mapping (Mapping::Load does every check) and prints one line per role, or, as Markdown,
// the role × scope matrix an auditor reviews first (role_matrix.h). With github, a valid
// mapping prints nothing and an error is also a GitHub Actions annotation on stdout.
// With --endpoints FILE (SPEC 12.1's static check), the endpoint catalog is loaded against
// the mapping and lint prints the routes each role loses and gains (text or JSON Lines;
// github: one annotation per loss the mapping does not accept), exiting 8 on such a loss.
#include <iomanip>
#include <iostream>

#include "base/exit_codes.h"
#include "base/text_escape.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "core/endpoints.h"
#include "core/mapping.h"
#include "core/role_matrix.h"
#include "core/role_routes.h"
#include "plan/replay_report.h"
#include "plan/role_routes_report.h"

namespace scope_migrate {
namespace {

void PrintText(const Mapping& mapping) {
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
      if (mapping.catalog().IsPrivileged(scope)) {
        privileged += (privileged.empty() ? "" : ", ") + scope;
      }
    }
    std::cout << std::left << std::setw(32) << role.name << std::right << std::setw(7)
              << role.scopes.size() << "  " << std::left << std::setw(10)
              << (role.read_only ? "yes" : "no") << (privileged.empty() ? "-" : privileged) << "\n";
  }
}

void PrintMarkdown(const Mapping& mapping) {
  std::cout << "## Mapping " << MarkdownCode(mapping.path()) << "\n\n"
            << "| | |\n|---|---|\n"
            << "| roles | " << mapping.roles().size() << " |\n"
            << "| catalog | " << MarkdownCode(mapping.catalog().path()) << " ("
            << mapping.catalog().scopes().size() << " scopes) |\n"
            << "| cutoff | `" << FormatUtc(mapping.cutoff()) << "` |\n"
            << "| mapping sha256 | `" << mapping.sha256() << "` |\n"
            << "| catalog sha256 | `" << mapping.catalog().sha256() << "` |\n\n"
            << "### Role × scope matrix\n\n";
  WriteRoleMatrixMarkdown(std::cout, MakeRoleMatrix(mapping));
}

// "::error file=M::role R loses ROUTE ..." for each loss the mapping does not accept.
void PrintGithubLosses(const RouteComparison& comparison, const std::string& mapping_path) {
  for (const RoleRoutes& role : comparison.roles) {
    for (const RouteChange& change : role.loses) {
      if (change.accepted) continue;
      std::cout << "::error file=" << GithubEscape(mapping_path, true)
                << "::" << GithubEscape("role " + role.role + " loses " + change.route +
                                        " (allowed by " + DescribeEntries(change.allowed_by) +
                                        ")", false)
                << "\n";
    }
  }
}

// lint --endpoints: the routes each role loses and gains; 8 on a loss not accepted.
int RunRouteCheck(const Options& options, const Mapping& mapping) {
  EndpointCatalog endpoints;
  RouteComparison comparison;
  try {
    endpoints = EndpointCatalog::Load(*options.endpoints, &mapping);
    comparison = CompareRoleRoutes(mapping, endpoints);
  } catch (const ToolError& e) {
    if (options.format_name == "github") std::cout << GithubErrorAnnotation(e) << std::endl;
    throw;
  }
  const RoleRoutesInfo info{mapping.path(), endpoints.path()};
  if (options.format_name == "github") {
    PrintGithubLosses(comparison, mapping.path());
  } else if (options.format_name == "jsonl") {
    WriteRoleRoutesJsonl(comparison, info, std::cout);
  } else if (!options.quiet) {
    WriteRoleRoutesText(comparison, info, std::cout);
  }
  return comparison.Breaking() ? kExitBreaking : kExitOk;
}

}  // namespace

// With --format github the error is also an annotation on stdout at its FILE:LINE:COL
// (Mapping::Load stops at the first error, so there is one).
Mapping LoadForLint(const Options& options) {
  try {
    return Mapping::Load(*options.mapping);
  } catch (const ToolError& e) {
    if (options.format_name == "github") std::cout << GithubErrorAnnotation(e) << std::endl;
    throw;
  }
}

int RunLintCommand(const Options& options) {
  const Mapping mapping = LoadForLint(options);
  if (options.endpoints) return RunRouteCheck(options, mapping);
  if (options.quiet || options.format_name == "github") return kExitOk;
  if (options.format_name == "markdown") {
    PrintMarkdown(mapping);
  } else {
    PrintText(mapping);
  }
  return kExitOk;
}

}  // namespace scope_migrate
