#include "write/apply_step.h"

#include "base/text_escape.h"
#include "core/write_rules.h"
#include "pg/db.h"
#include "plan/planned_key.h"

namespace scope_migrate {

bool ApplyStep::Next(pqxx::connection& conn, size_t limit, Batch& batch) {
  while (batch.keys.size() < limit) {
    // After a chunk that passed keys over, the runner counts them before the next chunk.
    if (ready_.empty() &&
        (batch.passed_over > 0 || !Refill(conn, limit - batch.keys.size(), batch))) {
      break;
    }
    if (ready_.empty()) continue;
    batch.keys.push_back(std::move(ready_.front()));
    ready_.pop_front();
  }
  return !batch.keys.empty() || batch.passed_over > 0;
}

bool ApplyStep::Refill(pqxx::connection& conn, size_t want, Batch& batch) {
  std::vector<KeyChange> keys;
  const size_t chunk = pass_over_ ? kPassOverChunk : want;
  PlanKeyLine line;
  while (keys.size() < chunk && cursor_.Next(line)) {
    if (line.status == Status::kBlocked && blocked_.size() < 50) {
      blocked_.emplace_back(line.id, line.reason);
    }
    if (line.status == Status::kChange) keys.push_back(KeyChangeOf(std::move(line)));
  }
  if (keys.empty()) return false;
  if (pass_over_) PassOverWritten(conn, keys, batch);
  for (KeyChange& key : keys) ready_.push_back(std::move(key));
  return true;
}

// Keeps in `keys` those not yet in their planned final state.
void ApplyStep::PassOverWritten(pqxx::connection& conn, std::vector<KeyChange>& keys,
                                Batch& batch) {
  std::vector<std::string> ids;
  ids.reserve(keys.size());
  for (const KeyChange& key : keys) ids.push_back(key.id);
  pqxx::read_transaction txn(conn, "pass_over_written");
  SetLocalTimeouts(txn, timeouts_);
  const KeyStates now = pass_over_->Read(txn, ids, false);
  txn.commit();
  const size_t checked = keys.size();
  size_t kept = 0;
  for (size_t i = 0; i < checked; ++i) {
    const auto it = now.find(keys[i].id);
    if (it != now.end() && JudgeApply(&it->second, keys[i]) == Verdict::kAlreadyDone) {
      ++batch.passed_over;
      batch.passed_over_scopes += keys[i].add.size() + keys[i].remove.size();
    } else {
      if (kept != i) keys[kept] = std::move(keys[i]);
      ++kept;
    }
  }
  keys.resize(kept);
  if ((checked - kept) * 4 < checked) pass_over_ = nullptr;  // the written part is behind
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
        selection.already_done_scopes += key.add.size() + key.remove.size();
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
