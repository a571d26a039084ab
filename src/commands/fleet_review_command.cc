// `scope-migrate show DIR [--targets FILE] [--target NAME]...` and `scope-migrate approve DIR
// [--targets FILE] [--target NAME]... [--note TEXT] [--revoke]`: the review of a fleet plan
// (SPEC.md 12.3, 12.5), target by target in the index's order. Each target's plan file is
// first checked against the index's sha256 (exit 65 otherwise, before anything is shown or
// recorded), so what is reviewed is what `apply DIR` applies. Then each target is done as the
// single command does it, under a heading naming the target: `show` renders the plan (with
// --targets, also its approvals in that target's database); `approve` records the
// connecting role's approval of that plan in that target's database (the index's conninfo,
// or --targets FILE's for the same names). A target that fails is named on stderr with its
// error and the others are still done; the exit code is the worst target's.
#include <iostream>

#include "base/errors.h"
#include "base/event_log.h"
#include "base/exit_codes.h"
#include "base/string_lists.h"
#include "commands/commands.h"
#include "commands/fleet_runner.h"
#include "commands/fleet_targets.h"
#include "plan/plan_reader.h"

namespace scope_migrate {
namespace {

// Every plan of the fleet is the one its index names: checked before any target is done.
void CheckPlansAreTheIndexs(const std::string& dir, const std::vector<FleetEntry>& index,
                            const std::vector<Target>& targets) {
  for (const Target& target : targets) {
    const std::string path = PlanPathIn(dir, target.name);
    const std::string sha256 = PlanFile::Digest(path).plan_sha256;
    if (sha256 != EntryNamed(index, target.name).sha256) {
      throw ToolError(kExitInvalidInput, path + " has sha256 " + sha256 + ", " + IndexPath(dir) +
                                             " names " + EntryNamed(index, target.name).sha256 +
                                             ": not the plan of the fleet");
    }
  }
}

void Heading(const Options& options, const Target& target) {
  if (options.format == ReportFormat::kMarkdown) {
    std::cout << "\n---\n\n## Target `" << target.name << "`\n\n";
  } else if (options.format == ReportFormat::kText) {
    std::cout << "\n=== target " << target.name << " ===\n";
  }
  std::cout.flush();
}

// `run` on each target with its options (its plan file, and its conninfo when
// `connects`); the worst exit code.
int ForEachTarget(const Options& options, bool connects, int (*run)(const Options&)) {
  const std::string dir = *options.plan_file;
  const std::vector<FleetEntry> index = ReadFleetIndex(dir);
  const std::vector<Target> targets = TargetsOfIndex(index, options, dir);
  CheckPlansAreTheIndexs(dir, index, targets);
  std::vector<int> codes;
  for (const Target& target : targets) {
    Heading(options, target);
    Options one = TargetOptions(options, target);
    one.plan_file = PlanPathIn(dir, target.name);
    if (!connects) one.db.reset();
    try {
      codes.push_back(run(one));
    } catch (const ToolError& e) {
      std::cout.flush();
      if (!std::cout) throw;  // the reader went away: as the single command, quietly
      ReportError(e.exit_code(), "target " + target.name + ": " + e.what());
      codes.push_back(e.exit_code());
    }
  }
  std::cout.flush();
  return WorstExitCode(codes);
}

}  // namespace

int RunFleetShow(const Options& options) {
  if (options.format == ReportFormat::kHtml) {
    throw UsageError("show DIR writes text, jsonl, csv or markdown; the page of one target is "
                     "show DIR/NAME.jsonl --format html");
  }
  return ForEachTarget(options, options.targets.has_value(), RunShowCommand);
}

int RunFleetApprove(const Options& options) {
  return ForEachTarget(options, true, RunApproveCommand);
}

}  // namespace scope_migrate
