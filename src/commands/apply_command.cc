// `scope-migrate apply SOURCE (PLANFILE | --mapping FILE --yes)`: verifies the plan file
// (or plans now, through the same planner, into a temporary plan file), refuses blocked
// keys unless --allow-blocked, takes the run lock, creates the audit tables if missing and
// hands the plan to the applier. Checks that need no database run first, so a bad plan
// file exits 65 before any connection is made.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "applier.h"
#include "command_support.h"
#include "pg_key_source.h"
#include "planner.h"
#include "run_lock.h"

namespace scope_migrate {
namespace {

// Removes the temporary plan file of `apply --mapping` however the command ends.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) std::remove(path.c_str());
  }
};

int RefuseBlocked(uint64_t blocked) {
  std::cerr
      << "scope-migrate: " << blocked
      << " keys are blocked (see the plan's blocked keys and their reasons); nothing was "
         "written. Fix the mapping or the data, or pass --allow-blocked to apply the others.\n";
  return kExitBlocked;
}

}  // namespace

int RunApplyCommand(const Options& options) {
  PhaseTimer timer(options.verbose);
  const Layout layout = LoadLayout(options);
  std::optional<PlanFile> plan;
  std::optional<Mapping> mapping;
  if (options.plan_file) {
    plan = PlanFile::Open(*options.plan_file, options.filter);
    timer.Lap("verify plan file");
    if (plan->counts().blocked > 0 && !options.allow_blocked)
      return RefuseBlocked(plan->counts().blocked);
  } else {
    mapping = Mapping::Load(*options.mapping);
  }

  if (plan && plan->header().source.rfind("fixtures:", 0) == 0) {
    throw InputError(plan->path(), 1, 1,
                     "this plan was made from a fixture file (" + plan->header().source +
                         "), not from a database; make the plan with --db");
  }
  auto conn = Connect(options.Conninfo());
  const std::string target = DescribeConnection(*conn).Url();
  if (plan && !options.quiet && plan->header().source != target) {
    std::cerr << "note: the plan was made from " << plan->header().source << ", this is " << target
              << "; every key is checked against its fingerprint\n";
  }
  const ResolvedLayout resolved = ResolveLayout(*conn, layout, options);
  AuditLog audit(*conn, AuditSchema(options, resolved), options.timeouts);
  RunLock lock(*conn, audit);

  TempFile temp;
  if (!plan) {
    char path[] = "/tmp/scope-migrate-plan-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) throw RuntimeFailure("cannot create a temporary plan file in /tmp");
    close(fd);
    temp.path = path;
    {
      std::ofstream file(temp.path, std::ios::binary | std::ios::trunc);
      auto writer = MakeJsonlWriter(file);
      PgKeySource source(*conn, layout, options.timeouts);
      Progress progress(options.progress, "plan");
      try {
        const Summary s =
            RunPlan(source, *mapping, MakePlanParams(options, *mapping), {writer.get()}, &progress);
        if (!options.quiet) {
          std::cout << "planned " << s.keys_read << " legacy keys: " << s.change << " change, "
                    << s.unchanged << " unchanged, " << s.drift << " drift, " << s.blocked
                    << " blocked, " << s.skipped << " skipped; " << s.scopes_to_add
                    << " scopes to add, " << s.scopes_to_remove << " to remove\n";
        }
      } catch (const ToolError&) {
        throw;
      } catch (const std::exception& e) {
        throw DbFailure(e, "planning");
      }
      file.close();
      if (!file) throw RuntimeFailure("cannot write the temporary plan file " + temp.path);
    }
    timer.Lap("plan");
    plan = PlanFile::Open(temp.path, KeyFilter{});
    timer.Lap("verify plan file");
    if (plan->counts().blocked > 0 && !options.allow_blocked)
      return RefuseBlocked(plan->counts().blocked);
  }

  audit.EnsureTables();
  if (const int orphans = audit.MarkOrphanedRuns(); orphans > 0 && !options.quiet) {
    std::cerr << "note: " << orphans << " earlier run(s) left 'running' by a process that ended "
              << "are now marked 'interrupted'\n";
  }
  const ApplyOptions apply = MakeApplyOptions(options);
  // A partial run says so: the plan's own filter and any narrower one given to apply.
  std::string filter = plan->header().filter;
  if (options.plan_file && !options.filter.empty()) {
    filter += (filter.empty() ? "" : " and then ") + options.filter.Describe();
  }
  if (!options.filter.empty() && plan->counts().keys == 0 && !options.quiet) {
    std::cerr << "note: no key of the plan matches " << options.filter.Describe() << "\n";
  }
  const ApplyOutcome outcome =
      ApplyPlan(*conn, audit, resolved, *plan, apply, OperatorName(options), filter, std::cout);
  timer.Lap("apply batches");
  if (outcome.exit_code != kExitOk) std::cerr << "scope-migrate: " << outcome.message << "\n";
  return outcome.exit_code;
}

}  // namespace scope_migrate
