// `scope-migrate plan --targets FILE --out DIR --mapping FILE [--target NAME]...`: the dry
// run of a fleet (SPEC.md 11.7). Each target is planned as `plan --db ... --out
// DIR/NAME.jsonl` would plan it (same planner, same report), one after the other, under a
// heading naming the target; then a fleet total (keys by status, scopes added and removed,
// privileged grants, one per key and scope) in the targets' order. The plans and the index
// go to a staging directory that replaces DIR as a whole only when every target was planned
// (fleet_dir.h); otherwise DIR is left as it was. A target that fails (unreachable, a bad
// layout) is named with its error and the others are still planned; the exit code is the
// worst target's (fleet_runner.h). A reader of stdout that goes away ends it quietly.
// One --overrides file serves every target: each target applies the overrides of its own
// keys, and an override whose key no target has is an error (65) that leaves DIR as it was.
#include <set>
#include <iomanip>
#include <iostream>

#include "base/atomic_file.h"
#include "base/event_log.h"
#include "base/exit_codes.h"
#include "base/shell_quote.h"
#include "base/string_lists.h"
#include "base/text_escape.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "commands/fleet_runner.h"
#include "commands/fleet_targets.h"
#include "pg/db.h"
#include "plan/fleet_dir.h"
#include "plan/fleet_index.h"
#include "plan/override_pass.h"

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

void PrintHeading(const Options& options, const Target& target) {
  if (options.format == ReportFormat::kMarkdown) {
    std::cout << "\n---\n\n**Target " << MarkdownCode(target.name)
              << "**: " << MarkdownCode(RedactConninfo(target.Conninfo())) << "\n\n";
  } else {
    std::cout << "\n=== target " << target.Describe() << " ===\n";
  }
  std::cout.flush();
}

// One target's row: planned (entry), or not (error).
struct TotalLine {
  std::string name;
  std::optional<FleetEntry> entry;
  std::string error;
};

// One row of the total table: name, the counts, and the plan's sha256 (or the error).
void TotalRow(std::ostream& out, bool markdown, const std::string& name, const FleetPlanSummary& s,
              const std::string& last) {
  const std::vector<uint64_t> counts = {s.keys_read,     s.change,           s.unchanged,
                                        s.drift,         s.blocked,          s.skipped,
                                        s.scopes_to_add, s.scopes_to_remove, s.PrivilegedGrants()};
  if (markdown) {
    out << "| " << name;
    for (uint64_t c : counts) out << " | " << c;
    out << " | " << MarkdownCode(last) << " |\n";
    return;
  }
  out << std::left << std::setw(16) << name << std::right;
  for (uint64_t c : counts) out << std::setw(12) << c;
  out << "  " << last << "\n";
}

// "privileged" counts grants, as the plans' "Privileged scopes granted" lines do: a key
// gaining two privileged scopes counts twice.
constexpr char kPrivilegedNote[] =
    "priv.grants: privileged scopes granted, one per key and scope (a key gaining two counts "
    "twice)";

// The total table, in the targets file's order, planned or not.
void PrintTotal(const Options& options, const std::vector<TotalLine>& lines) {
  const bool markdown = options.format == ReportFormat::kMarkdown;
  const char* columns[] = {"keys",    "change",  "unchanged", "drift",      "blocked",
                           "skipped", "+scopes", "-scopes",   "priv.grants"};
  if (markdown) {
    std::cout << "\n## Fleet total\n\n| target";
    for (const char* c : columns) std::cout << " | " << c;
    std::cout << " | plan sha256 |\n|---";
    for (size_t i = 0; i < std::size(columns); ++i) std::cout << "|---:";
    std::cout << "|---|\n";
  } else {
    std::cout << "\n=== fleet total ===\n" << std::left << std::setw(16) << "target" << std::right;
    for (const char* c : columns) std::cout << std::setw(12) << c;
    std::cout << "  plan sha256\n";
  }
  FleetPlanSummary total;
  size_t planned = 0;
  for (const TotalLine& line : lines) {
    if (line.entry) {
      TotalRow(std::cout, markdown, line.name, line.entry->summary, line.entry->sha256);
      total.Add(line.entry->summary);
      ++planned;
    } else {
      TotalRow(std::cout, markdown, line.name, FleetPlanSummary{}, "NOT PLANNED: " + line.error);
    }
  }
  TotalRow(std::cout, markdown, markdown ? "**total**" : "total", total,
           std::to_string(planned) + " of " + CountOf(lines.size(), "target") + " planned");
  std::cout << (markdown ? "\n" : "") << kPrivilegedNote << "\n";
}

int DetailedCode(const Summary& s) {
  if (s.blocked > 0) return kExitBlocked;
  return s.change > 0 ? kExitChangesPending : kExitOk;
}

// Plans one target into the staging directory; its row of the total.
// The keys of --overrides found on this target are added to `overrides_found`.
TotalLine PlanTarget(const Options& options, const Target& target, const FleetPlanDir& dir,
                     std::vector<int>& codes, std::set<std::string>* overrides_found) {
  PrintHeading(options, target);
  Options one = TargetOptions(options, target);
  one.out = PlanPathIn(dir.staging(), target.name);
  one.fleet_member = true;
  try {
    const Summary summary = PlanOneSource(one, overrides_found);
    codes.push_back(options.detailed_exitcode ? DetailedCode(summary) : kExitOk);
    return {target.name,
            FleetEntry{target.name, target.db, target.service, target.layout, summary.plan_sha256,
                       RedactConninfo(target.Conninfo()), FleetSummary(summary)},
            ""};
  } catch (const ToolError& e) {
    std::cout.flush();
    // The reader of stdout went away (`| head`): as a single plan, end quietly, DIR as it was.
    if (!std::cout) throw;
    ReportError(e.exit_code(), "target " + target.name + ": " + e.what());
    codes.push_back(e.exit_code());
    return {target.name, std::nullopt, FirstLine(e.what())};
  }
}

// The index into the staging directory, then the staging directory in DIR's place.
void WriteFleet(const Options& options, FleetPlanDir& dir, const std::vector<TotalLine>& lines) {
  std::vector<FleetEntry> entries;
  for (const TotalLine& line : lines) entries.push_back(*line.entry);
  const std::string error =
      ReplaceFile(IndexPath(dir.staging()), FleetIndexJson(entries), 0600, /*durable=*/true);
  if (!error.empty()) throw RuntimeFailure(error);
  dir.Commit();
  if (options.quiet) return;
  std::cerr << "fleet plan written: " << IndexPath(dir.dir()) << " and "
            << CountOf(entries.size(), "plan file") << "\nnext: each approver runs `scope-migrate "
            << "approve " << ShellQuote(dir.dir()) << "`, then `scope-migrate apply "
            << ShellQuote(dir.dir()) << "`\n";
}

// One overrides file serves every target: an override no target had is an error (its
// exit code; 0 when every override found its key or there are none).
int RefuseOverridesOfNoTarget(const Options& options, const FleetPlanDir& dir,
                              const std::set<std::string>& overrides_found) {
  if (!options.overrides) return kExitOk;
  try {
    const Mapping mapping = Mapping::Load(*options.mapping);
    RefuseUnfound(*LoadOverrides(options, mapping), overrides_found, "any target of the fleet");
  } catch (const ToolError& e) {
    ReportError(e.exit_code(), std::string(e.what()) + "; " + dir.Untouched());
    return e.exit_code();
  }
  return kExitOk;
}

}  // namespace

int RunFleetPlan(const Options& options) {
  const std::vector<Target> targets =
      SelectTargets(LoadTargets(*options.targets), options.target_names, *options.targets);
  FleetPlanDir dir(*options.out);
  if (options.format == ReportFormat::kMarkdown) {
    std::cout << "# scope-migrate fleet plan: " << CountOf(targets.size(), "target") << "\n";
  }
  std::vector<TotalLine> lines;
  std::vector<int> codes;
  size_t failed = 0;
  std::set<std::string> overrides_found;  // --overrides' keys found on some target
  for (const Target& target : targets) {
    lines.push_back(PlanTarget(options, target, dir, codes, &overrides_found));
    if (!lines.back().entry) ++failed;
  }
  PrintTotal(options, lines);
  std::cout.flush();
  if (!std::cout) throw RuntimeFailure("cannot write the report to stdout");
  if (failed == 0) {
    const int unfound = RefuseOverridesOfNoTarget(options, dir, overrides_found);
    if (unfound != kExitOk) return WorstExitCode({WorstExitCode(codes), unfound});
    WriteFleet(options, dir, lines);
  } else {
    ReportError(WorstExitCode(codes),
                CountOf(failed, "target") + " could not be planned; " + dir.Untouched() +
                    " (apply needs every target's plan)");
  }
  return WorstExitCode(codes);
}

}  // namespace scope_migrate
