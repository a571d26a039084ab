#include "commands/fleet_targets.h"

#include "base/errors.h"
#include "commands/command_support.h"
#include "pg/db.h"
#include "write/run_history.h"

namespace scope_migrate {
namespace {

constexpr char kTargetPlaceholder[] = "{target}";

}  // namespace

Options TargetOptions(const Options& fleet, const Target& target) {
  Options one = fleet;
  one.db = target.Conninfo();
  if (target.layout) one.layout = target.layout;
  one.targets.reset();
  one.target_names.clear();
  return one;
}

std::vector<Target> TargetsOfIndex(const std::vector<FleetEntry>& index, const Options& options,
                                   const std::string& dir) {
  std::vector<Target> now;
  if (options.targets) now = LoadTargets(*options.targets);
  std::vector<Target> targets;
  for (const FleetEntry& entry : index) {
    Target target{entry.name, entry.db, entry.service, entry.layout, 0, 0};
    if (options.targets) {
      bool found = false;
      for (const Target& t : now) {
        if (t.name == entry.name) {
          target = t;
          found = true;
        }
      }
      if (!found) {
        throw UsageError("target " + entry.name + " of " + IndexPath(dir) + " is not in " +
                         *options.targets);
      }
    }
    // The index is a file anyone may edit: its conninfo goes on a command line.
    if (const char* problem = StoredConninfoProblem(target.Conninfo())) {
      throw InputError(IndexPath(dir), 0, 0, "target " + target.name + ": " + problem);
    }
    targets.push_back(target);
  }
  return SelectTargets(targets, options.target_names, IndexPath(dir));
}

std::vector<RunRow> TargetRuns(const Options& one, const std::optional<std::string>& plan_sha256) {
  auto conn = Connect(one.Conninfo());
  const ResolvedLayout resolved = ResolveLayout(*conn, LoadLayout(one), one);
  const AuditLog audit(AuditSchema(one, resolved), one.timeouts);
  if (!audit.Exists(*conn)) return {};
  return plan_sha256 ? RunsOfPlan(audit, *conn, *plan_sha256) : History(audit, *conn);
}

std::vector<std::string> TargetArgs(const std::string& command, const Options& options,
                                    const Target& target, const std::vector<std::string>& extra) {
  const Options one = TargetOptions(options, target);
  std::vector<std::string> args = {command, "--db", *one.db};
  if (one.layout) args.insert(args.end(), {"--layout", *one.layout});
  args.insert(args.end(), extra.begin(), extra.end());
  const std::string metrics = "--metrics-file=";
  for (std::string arg : options.forwarded_args) {
    if (arg.rfind(metrics, 0) == 0) {
      for (size_t at; (at = arg.find(kTargetPlaceholder)) != std::string::npos;) {
        arg.replace(at, std::size(kTargetPlaceholder) - 1, target.name);
      }
    }
    args.push_back(arg);
  }
  return args;
}

void CheckFleetMetricsFile(const Options& options) {
  if (!options.metrics_file || options.metrics_file->find(kTargetPlaceholder) != std::string::npos) {
    return;
  }
  throw UsageError("a fleet's --metrics-file needs " + std::string(kTargetPlaceholder) +
                   " in its path (e.g. metrics/" + kTargetPlaceholder +
                   ".prom): each target's run writes its own file, which one shared file "
                   "would lose");
}

}  // namespace scope_migrate
