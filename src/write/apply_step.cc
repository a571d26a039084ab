#include "write/apply_step.h"

#include "base/text_escape.h"
#include "core/write_rules.h"
#include "plan/planned_key.h"

namespace scope_migrate {

bool ApplyStep::Next(pqxx::connection&, size_t limit, Batch& batch) {
  PlanKeyLine line;
  while (batch.keys.size() < limit && cursor_.Next(line)) {
    if (line.status == Status::kBlocked && blocked_.size() < 50) {
      blocked_.emplace_back(line.id, line.reason);
    }
    if (line.status != Status::kChange) continue;
    batch.keys.push_back(KeyChangeOf(std::move(line)));
  }
  return !batch.keys.empty();
}

Selection ApplyStep::Select(pqxx::transaction_base&, const Batch& batch, const KeyStates& now) {
  Selection selection;
  for (const KeyChange& key : batch.keys) {
    const auto it = now.find(key.id);
    const KeyState* state = it == now.end() ? nullptr : &it->second;
    switch (JudgeApply(state, key)) {
      case Verdict::kWrite:
        selection.write.push_back(&key);
        break;
      case Verdict::kAlreadyDone:
        ++selection.already_done;  // written by an earlier, interrupted run of this plan
        break;
      case Verdict::kChangedSince:
        throw ToolError(
            kExitStalePlan,
            "key " + key.id + " (plan line " + std::to_string(key.line) + ") " +
                (state == nullptr ? "no longer exists"
                                  : "changed since the plan: " + DescribeChangeSince(*state, key)));
    }
  }
  return selection;
}

void PrintApplyReport(std::ostream& out, int64_t run_id, const std::string& filter,
                      uint64_t blocked_total, const ApplyStep& step, const RunEnd& end) {
  const auto& blocked = step.blocked();
  if (!blocked.empty()) {
    out << blocked_total << " blocked keys were left alone (--allow-blocked):\n";
    for (const auto& [id, reason] : blocked) {
      out << "  blocked  " << Printable(id) << "  " << Printable(reason) << "\n";
    }
    if (blocked_total > blocked.size()) {
      out << "  ... and " << blocked_total - blocked.size() << " more\n";
    }
  }
  const RunTotals& t = end.totals;
  out << "apply run " << run_id << " " << ToString(end.status)
      << (filter.empty() ? "" : " (PARTIAL RUN, only " + filter + ")") << ": " << t.keys
      << " keys changed, " << t.added << " scopes added, " << t.removed << " removed, in "
      << t.batches << " committed batch" << (t.batches == 1 ? "" : "es");
  if (t.already_done > 0) out << "; " << t.already_done << " keys were already applied";
  out << "\n";
}

}  // namespace scope_migrate
