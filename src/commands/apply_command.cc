// `scope-migrate apply SOURCE (PLANFILE [--mapping FILE [--overrides FILE]] | --mapping FILE
// [--overrides FILE] --yes)`: verifies the plan file (or plans now, through the same planner,
// into a temporary plan file), refuses a plan other than --expect-sha256's or, given both,
// one not made with --mapping's mapping and --overrides' overrides, refuses blocked
// keys unless --allow-blocked, refuses a server that takes no writes, creates the audit
// tables if missing, takes the run's lease and hands the plan to the batch loop as an
// ApplyStep. Checks that need no database run first, so a bad plan file exits 65 before
// any connection is made.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "base/atomic_file.h"
#include "base/event_log.h"
#include "base/text_escape.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "pg/db.h"
#include "pg/pg_key_source.h"
#include "plan/fleet_index.h"
#include "plan/plan_check.h"
#include "plan/planner.h"
#include "write/apply_step.h"
#include "write/approval_trust.h"
#include "write/plan_copy.h"
#include "write/run_lease.h"

namespace scope_migrate {
namespace {

// The temporary plan file of `apply --mapping` (UnlinkedTempFile: it never has a name, so
// nothing is left behind however the process ends, even by kill -9), closed on scope exit.
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using TempPlanFile = std::unique_ptr<std::FILE, FileCloser>;

// `apply --mapping` plans into a temporary file the user never sees: point at `plan`.
void RefuseBlocked(const PlanFile& plan, const Options& options) {
  if (plan.counts().blocked == 0 || options.allow_blocked) return;
  const std::string where =
      options.plan_file
          ? "see the plan's blocked keys and their reasons"
          : "`scope-migrate plan --mapping " + *options.mapping + "` lists them with their reasons";
  throw ToolError(kExitBlocked, std::to_string(plan.counts().blocked) + " keys are blocked (" +
                                    where +
                                    "); nothing was written. Fix the mapping or the data, or "
                                    "pass --allow-blocked to apply the others.");
}

// --expect-sha256: the plan reviewed, and no other.
void RefuseUnexpectedPlan(const PlanFile& plan, const Options& options) {
  if (!options.expect_sha256 || plan.sha256() == *options.expect_sha256) return;
  throw ToolError(kExitInvalidInput, "the plan's sha256 is " + plan.sha256() +
                                         ", --expect-sha256 names " + *options.expect_sha256 +
                                         ": this is not the plan that was reviewed; nothing was "
                                         "written");
}

// `apply PLANFILE [--mapping FILE]`: verified, made from a database, the one expected and,
// with --mapping, made with that mapping.
PlanFile OpenPlanFile(const Options& options) {
  PlanFile plan = PlanFile::Open(*options.plan_file, options.filter);
  RefuseUnmatched(plan.filter_misses(), options.filter, "the plan file " + plan.path());
  if (plan.header().source.rfind("fixtures:", 0) == 0) {
    throw InputError(plan.path(), 1, 1,
                     "this plan was made from a fixture file (" + plan.header().source +
                         "), not from a database; make the plan with --db");
  }
  RefuseUnexpectedPlan(plan, options);
  CheckPinnedPlan(plan, options);
  return plan;
}

std::string DescribeIdentity(const SourceIdentity& id, const std::string& url) {
  return "database \"" + id.database + "\" of the cluster with system identifier " +
         (id.system_identifier.empty() ? "(unreadable)" : id.system_identifier) + " (" + url + ")";
}

// A plan applies to the database it was made on: same cluster (system_identifier, shared
// by a primary and its standbys) and same database name. Plans that do not record it
// (older, or made by a role that may not read pg_control_system()) get a note.
void CheckSameDatabase(pqxx::connection& conn, const PlanFile& plan, const Options& options) {
  const std::string url = DescribeConnection(conn).Url();
  const SourceIdentity& made = plan.header().identity;
  const SourceIdentity here = ReadSourceIdentity(conn);
  const bool known = !made.system_identifier.empty() && !here.system_identifier.empty();
  if (known && made.system_identifier == here.system_identifier && made.database == here.database)
    return;
  const std::string other = "the plan " + plan.path() + " was made on " +
                            DescribeIdentity(made, plan.header().source) + ", this is " +
                            DescribeIdentity(here, url);
  if (known && !options.allow_other_database) {
    throw ToolError(kExitInvalidInput,
                    other +
                        "; nothing was written. Make the plan on this database, or pass "
                        "--allow-other-database to apply it here (each key is still checked "
                        "against its fingerprint)");
  }
  if (known || plan.header().source != url) {
    if (!options.quiet) Note(other + "; every key is checked against its fingerprint");
  }
}

// `apply --mapping`: plans now into a temporary plan file and reads it back verified, so a
// direct apply writes exactly what a saved plan would. The file is reached through
// /proc/self/fd, the only name it has.
PlanFile PlanNow(pqxx::connection& conn, const ResolvedLayout& layout, const Mapping& mapping,
                 const Options& options, std::FILE* temp) {
  const std::string path = "/proc/self/fd/" + std::to_string(fileno(temp));
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  auto writer = MakeJsonlWriter(file);
  PgKeySource source(conn, layout, options.timeouts);
  Progress progress(options.progress, "plan", options.progress_every_ms);
  const std::optional<Overrides> overrides = LoadOverrides(options, mapping);
  PlanParams params = MakePlanParams(options, mapping);
  if (overrides) params.overrides = &*overrides;
  Summary s;
  try {
    s = RunPlan(source, mapping, params, {}, &progress, writer.get());
  } catch (const ToolError&) {
    throw;
  } catch (const std::exception& e) {
    throw DbFailure(e, "planning");
  }
  file.close();
  if (!file) throw RuntimeFailure("cannot write the temporary plan file");
  if (!options.quiet) {
    std::cout << "planned " << s.keys_read << " legacy keys: " << s.change << " change, "
              << s.unchanged << " unchanged, " << s.drift << " drift, " << s.blocked << " blocked, "
              << s.skipped << " skipped; " << s.scopes_to_add << " scopes to add, "
              << s.scopes_to_remove << " to remove\n";
  }
  return PlanFile::Open(path, KeyFilter{});
}

// A partial run says so: the plan's own filter and any narrower one given to apply.
std::string RunFilter(const PlanFile& plan, const Options& options) {
  std::string filter = plan.header().filter.Describe();
  if (options.plan_file && !options.filter.empty()) {
    filter += (filter.empty() ? "" : " and then ") + options.filter.Describe();
  }
  return filter;
}

// Before the first write: where, which plan, how much, and how fast.
void PrintWhatApplyWillDo(pqxx::connection& conn, int64_t run_id, const PlanFile& plan,
                          const std::string& filter, const Options& options) {
  const PlanFileCounts& c = plan.counts();
  std::cout << "apply run " << run_id << " to " << DescribeConnection(conn).Url()
            << (filter.empty() ? "" : " (PARTIAL RUN, only " + filter + ")") << "\n"
            << "  plan     sha256 " << plan.sha256() << "\n"
            << "  keys     " << c.change << " to change (" << c.scopes_to_add << " scopes to add, "
            << c.scopes_to_remove << " to remove); " << c.blocked << " blocked, left alone\n"
            << "  writes   " << DescribeBatches(options) << "\n";
  std::cout.flush();
}

// Exit 5 guards one audit schema: a live run recording in another one (a forgotten
// --audit-schema) would write beside this one. One warning line each; no refusal, as the
// other schema may belong to another deployment.
void WarnOfLiveRunsElsewhere(pqxx::connection& conn, const AuditLog& audit,
                             const Options& options) {
  for (const LiveRun& live : LiveRunsInOtherSchemas(conn, audit, options.lock_lease_ms)) {
    Warn("schema \"" + live.schema + "\" has a live " + live.description +
             " that this run's lease in \"" + audit.schema() +
             "\" does not exclude; is --audit-schema " + live.schema + " missing?",
         {{"schema", live.schema}, {"audit_schema", audit.schema()}});
  }
}

int ApplyVerifiedPlan(pqxx::connection& conn, const ResolvedLayout& layout, const AuditLog& audit,
                      const PlanFile& plan, const Options& options) {
  audit.EnsureTables(conn);
  StorePlanCopy(audit, conn, plan.path(), plan.sha256());  // what a rollback reverts by
  RunStart start;
  start.kind = RunKind::kApply;
  start.operator_name = OperatorName(options);
  start.mapping_sha256 = plan.header().mapping_sha256;
  start.plan_sha256 = plan.sha256();
  start.cutoff = FormatUtc(plan.header().cutoff);
  start.filter = RunFilter(plan, options);
  std::string approved_by;
  std::optional<ApprovalRecheck> recheck;
  // In the lease's own transaction: checked again by every resume, no session state.
  auto check = [&](pqxx::transaction_base& txn, int64_t new_run) {
    const ApprovalTrust trust = JudgeApprovalTrust(txn);
    const Requirement requirement = RequirementOf(trust, options.require_approvals);
    const ApprovalWindow window;
    approved_by = DescribeApprovals(
        CheckApprovals(txn, trust, requirement, plan.sha256(), window, "apply"));
    recheck.emplace(trust, requirement, plan.sha256(), window);
    if (approved_by.empty()) return;
    txn.exec_params("UPDATE " + audit.runs_table() + " SET approvals = $1 WHERE run_id = $2",
                    approved_by, new_run);
  };
  WarnOfLiveRunsElsewhere(conn, audit, options);
  CheckAppProbe(conn, options);
  const Lease lease = AcquireLease(conn, audit, start, options.lock_lease_ms, check);
  const int64_t run_id = lease.run_id;
  if (!options.quiet) {
    for (const std::string& note : lease.notes) Note(note);
  }
  PrintWhatApplyWillDo(conn, run_id, plan, start.filter, options);
  if (!approved_by.empty()) std::cout << "  approved by " << Printable(approved_by) << "\n";
  const PlanFileCounts& c = plan.counts();
  EmitRunStarted(options, "apply", run_id, plan.sha256(),
                 {{"keys_to_change", c.change},
                  {"scopes_to_add", c.scopes_to_add},
                  {"scopes_to_remove", c.scopes_to_remove},
                  {"blocked", c.blocked},
                  {"filter", start.filter}});

  auto store = MakeKeyStore(layout);
  RunnerOptions runner_options = MakeRunnerOptions(options, "apply");
  runner_options.stale_advice = "Make a new plan and review it";
  runner_options.plan_sha256 = plan.sha256();
  runner_options.scopes_total = c.scopes_to_add + c.scopes_to_remove;
  runner_options.before_batch = *recheck;  // a revocation stops the run (exit 7)
  BatchRunner runner(conn, ConnectionFactoryFor(options), audit, *store, run_id, runner_options);
  // --single-transaction holds its one transaction on the connection the check would use.
  ApplyStep step(plan, options.single_transaction ? nullptr : store.get(), options.timeouts);
  const RunEnd end = runner.Run(step, plan.counts().change);
  PrintApplyReport(std::cout, run_id, start.filter, plan.counts().blocked, step, end);
  if (end.error) throw *end.error;
  return kExitOk;
}

}  // namespace

int RunApplyCommand(const Options& options) {
  if (options.plan_file && IsFleetDirectory(*options.plan_file)) return RunFleetApply(options);
  PhaseTimer timer(options.verbose);
  const Layout layout = LoadLayout(options);
  std::optional<PlanFile> plan;
  std::optional<Mapping> mapping;
  if (options.plan_file) {
    plan = OpenPlanFile(options);
    timer.Lap("verify plan file");
    RefuseBlocked(*plan, options);
  } else {
    mapping = Mapping::Load(*options.mapping);
  }
  CheckScopesWritable(layout, plan ? plan->header().mapping.scopes : mapping->catalog().Names());
  auto conn = Connect(options.Conninfo());
  if (plan) CheckSameDatabase(*conn, *plan, options);
  RefuseReadOnlyServer(*conn, "apply");
  const ResolvedLayout resolved = ResolveLayout(*conn, layout, options);
  const AuditLog audit(AuditSchema(options, resolved), options.timeouts,
                       resolved.scopes_shape == Shape::kColumn);
  TempPlanFile temp;
  if (!plan) {
    temp.reset(UnlinkedTempFile("the plan of apply --mapping"));
    plan = PlanNow(*conn, resolved, *mapping, options, temp.get());
    timer.Lap("plan");
    RefuseUnexpectedPlan(*plan, options);
    RefuseBlocked(*plan, options);
  }
  int code = kExitOk;
  try {
    code = ApplyVerifiedPlan(*conn, resolved, audit, *plan, options);
  } catch (const ToolError& e) {
    throw WithAuditSchemaHint(*conn, audit, options, e);
  }
  timer.Lap("apply batches");
  return code;
}

}  // namespace scope_migrate
