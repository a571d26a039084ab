// `scope-migrate show PLANFILE [--format text|jsonl|csv|markdown] [--max-keys N]`: checks a
// saved plan (its checksum and every line, as apply does) and renders it again in any
// report format without a database. The reports come from the same writers as `plan`'s,
// fed from the file, so a plan's report and `show` of its file are the same bytes; a
// damaged file is refused with exit 65.
#include <iostream>

#include "base/errors.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "plan/plan_reader.h"
#include "plan/planned_key.h"
#include "plan/report.h"

namespace scope_migrate {
namespace {

// The key and its decision as the plan recorded them (planned_key.h).
void WriteKey(ReportWriter& writer, const PlanKeyLine& line) {
  const RecordedKey recorded = RecordedKeyOf(line);
  writer.WriteKey(PlannedKey{recorded.key, recorded.decision});
}

}  // namespace

int RunShowCommand(const Options& options) {
  const PlanFile plan = PlanFile::Open(*options.plan_file, KeyFilter{});
  auto writer = MakeWriter(options.format, std::cout, ReportOptions{options.max_keys});
  writer->WriteHeader(plan.header());
  plan.ForEachKey([&](const PlanKeyLine& line) { WriteKey(*writer, line); });
  writer->WriteSummary(plan.summary());
  std::cout.flush();
  if (!std::cout) throw RuntimeFailure("cannot write the report to stdout");
  return kExitOk;
}

}  // namespace scope_migrate
