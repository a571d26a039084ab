// `scope-migrate show PLANFILE [--format text|jsonl|csv|markdown|html] [--max-keys N] [--db …]`:
// checks a saved plan (its checksum and every line, as apply does) and renders it again in
// any report format without a database. The reports come from the same writers as `plan`'s,
// fed from the file, so a plan's report and `show` of its file are the same bytes; a
// damaged file is refused with exit 65. With --db, the text and Markdown headers also list
// the plan's live approvals in that database (`approve`), or say it is not approved; the
// database is only read. With --mapping FILE the plan must have been made with FILE and its
// cutoff (CheckHeaderMapping, as `apply --mapping FILE PLANFILE`), else exit 65.
#include <iostream>

#include "base/errors.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "core/mapping.h"
#include "pg/db.h"
#include "plan/fleet_index.h"
#include "plan/plan_check.h"
#include "plan/plan_reader.h"
#include "plan/planned_key.h"
#include "plan/report.h"
#include "write/approvals.h"

namespace scope_migrate {
namespace {

// The key and its decision as the plan recorded them (planned_key.h).
void WriteKey(ReportWriter& writer, const PlanKeyLine& line) {
  const RecordedKey recorded = RecordedKeyOf(line);
  writer.WriteKey(PlannedKey{recorded.key, recorded.decision});
}

// The live approvals of `plan_sha256` in the database --db names, as "role at TIME".
std::vector<std::string> ApprovalsInDatabase(const Options& options,
                                             const std::string& plan_sha256) {
  const Layout layout = LoadLayout(options);
  auto conn = Connect(options.Conninfo());
  const ResolvedLayout resolved = ResolveLayout(*conn, layout, options);
  const ApprovalLog log(AuditSchema(options, resolved), options.timeouts);
  pqxx::read_transaction txn(*conn, "show");
  SetLocalTimeouts(txn, options.timeouts);
  std::vector<std::string> out;
  if (!log.Exists(txn)) return out;
  for (const Approval& a : ApprovalsOf(txn, {log.approvals_table()}, plan_sha256, {})) {
    out.push_back(a.approver + " at " + a.approved_at);
  }
  return out;
}

}  // namespace

int RunShowCommand(const Options& options) {
  if (IsFleetDirectory(*options.plan_file)) return RunFleetShow(options);
  const PlanFile plan = PlanFile::Open(*options.plan_file, KeyFilter{});
  // As a pinned apply checks it: the plan was made with that mapping and its cutoff, so a
  // reviewer learns of an override even when the header no longer records it.
  if (options.mapping) {
    CheckHeaderMapping(plan.path(), plan.header(), Mapping::Load(*options.mapping),
                       *options.mapping);
  }
  ReportOptions report{options.max_keys};
  if (options.db) report.approvals = ApprovalsInDatabase(options, plan.sha256());
  auto writer = MakeWriter(options.format, std::cout, report);
  writer->WriteHeader(plan.header());
  plan.ForEachKey([&](const PlanKeyLine& line) { WriteKey(*writer, line); });
  writer->WriteSummary(plan.summary());
  std::cout.flush();
  if (!std::cout) throw RuntimeFailure("cannot write the report to stdout");
  return kExitOk;
}

}  // namespace scope_migrate
