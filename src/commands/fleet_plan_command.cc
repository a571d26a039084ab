// `scope-migrate plan --targets FILE --out DIR --mapping FILE [--target NAME]...`: the dry
// run of a fleet (SPEC.md 11.7). Each target is planned as `plan --db ... --out
// DIR/NAME.jsonl` would plan it (same planner, same report), one after the other, under a
// heading naming the target; then a fleet total (keys by status, scopes added and removed,
// privileged grants) and DIR/index.json, written (atomically) only when every target was
// planned. A target that fails (unreachable, a bad layout) is named with its error and
// the others are still planned; the exit code is the worst target's (fleet_runner.h).
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iomanip>
#include <iostream>

#include "base/atomic_file.h"
#include "base/event_log.h"
#include "base/exit_codes.h"
#include "base/string_lists.h"
#include "base/text_escape.h"
#include "commands/commands.h"
#include "commands/fleet_runner.h"
#include "commands/fleet_targets.h"
#include "pg/db.h"
#include "plan/fleet_index.h"

namespace scope_migrate {
namespace {

FleetPlanSummary FleetSummary(const Summary& s) {
  FleetPlanSummary out;
  out.keys_read = s.keys_read;
  out.change = s.change;
  out.unchanged = s.unchanged;
  out.drift = s.drift;
  out.blocked = s.blocked;
  out.skipped = s.skipped;
  out.scopes_to_add = s.scopes_to_add;
  out.scopes_to_remove = s.scopes_to_remove;
  out.privileged_grants = s.privileged_grants;
  return out;
}

void MakeDirectory(const std::string& dir) {
  if (mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) {
    struct stat info {};
    if (stat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) return;
  }
  throw RuntimeFailure("cannot create the fleet's plan directory " + dir + ": " +
                       std::strerror(errno));
}

void PrintHeading(const Options& options, const Target& target) {
  if (options.format == ReportFormat::kMarkdown) {
    std::cout << "\n---\n\n**Target `" << target.name << "`**: `"
              << Printable(RedactConninfo(target.Conninfo())) << "`\n\n";
  } else {
    std::cout << "\n=== target " << target.Describe() << " ===\n";
  }
  std::cout.flush();
}

// One row of the total table: name, the counts, and the plan's sha256 (or the error).
void TotalRow(std::ostream& out, bool markdown, const std::string& name, const FleetPlanSummary& s,
              const std::string& last) {
  const std::vector<uint64_t> counts = {s.keys_read,     s.change,           s.unchanged,
                                        s.drift,         s.blocked,          s.skipped,
                                        s.scopes_to_add, s.scopes_to_remove, s.PrivilegedGrants()};
  if (markdown) {
    out << "| " << name;
    for (uint64_t c : counts) out << " | " << c;
    out << " | " << last << " |\n";
    return;
  }
  out << std::left << std::setw(16) << name << std::right;
  for (uint64_t c : counts) out << std::setw(11) << c;
  out << "  " << last << "\n";
}

void PrintTotal(const Options& options, const std::vector<FleetEntry>& planned,
                const std::vector<std::pair<std::string, std::string>>& failed) {
  const bool markdown = options.format == ReportFormat::kMarkdown;
  const char* columns[] = {"keys",    "change",  "unchanged", "drift",     "blocked",
                           "skipped", "+scopes", "-scopes",   "privileged"};
  if (markdown) {
    std::cout << "\n## Fleet total\n\n| target";
    for (const char* c : columns) std::cout << " | " << c;
    std::cout << " | plan sha256 |\n|---";
    for (size_t i = 0; i < std::size(columns); ++i) std::cout << "|---:";
    std::cout << "|---|\n";
  } else {
    std::cout << "\n=== fleet total ===\n" << std::left << std::setw(16) << "target" << std::right;
    for (const char* c : columns) std::cout << std::setw(11) << c;
    std::cout << "  plan sha256\n";
  }
  FleetPlanSummary total;
  for (const FleetEntry& e : planned) {
    TotalRow(std::cout, markdown, e.name, e.summary, e.sha256);
    total.Add(e.summary);
  }
  for (const auto& [name, error] : failed) {
    TotalRow(std::cout, markdown, name, FleetPlanSummary{}, "NOT PLANNED: " + error);
  }
  TotalRow(std::cout, markdown, markdown ? "**total**" : "total", total,
           std::to_string(planned.size()) + " of " +
               std::to_string(planned.size() + failed.size()) + " targets planned");
}

int DetailedCode(const Summary& s) {
  if (s.blocked > 0) return kExitBlocked;
  return s.change > 0 ? kExitChangesPending : kExitOk;
}

}  // namespace

int RunFleetPlan(const Options& options) {
  const std::vector<Target> targets =
      SelectTargets(LoadTargets(*options.targets), options.target_names, *options.targets);
  MakeDirectory(*options.out);
  if (options.format == ReportFormat::kMarkdown) {
    std::cout << "# scope-migrate fleet plan: " << targets.size() << " targets\n";
  }
  std::vector<FleetEntry> planned;
  std::vector<std::pair<std::string, std::string>> failed;
  std::vector<int> codes;
  for (const Target& target : targets) {
    PrintHeading(options, target);
    Options one = TargetOptions(options, target);
    one.out = PlanPathIn(*options.out, target.name);
    try {
      const Summary summary = PlanOneSource(one);
      planned.push_back({target.name, target.db, target.service, target.layout, summary.plan_sha256,
                         RedactConninfo(target.Conninfo()), FleetSummary(summary)});
      codes.push_back(options.detailed_exitcode ? DetailedCode(summary) : kExitOk);
    } catch (const ToolError& e) {
      std::cout.flush();
      ReportError(e.exit_code(), "target " + target.name + ": " + e.what());
      failed.emplace_back(target.name, FirstLine(e.what()));
      codes.push_back(e.exit_code());
    }
  }
  PrintTotal(options, planned, failed);
  std::cout.flush();
  if (failed.empty()) {
    const std::string error =
        ReplaceFile(IndexPath(*options.out), FleetIndexJson(planned), 0600, /*durable=*/true);
    if (!error.empty()) throw RuntimeFailure(error);
    if (!options.quiet) std::cerr << "fleet index written: " << IndexPath(*options.out) << "\n";
  } else {
    ReportError(WorstExitCode(codes),
                std::to_string(failed.size()) + " targets could not be planned; " +
                    IndexPath(*options.out) + " was not written: apply needs every target's plan");
  }
  return WorstExitCode(codes);
}

}  // namespace scope_migrate
