#include "write/rollback_step.h"

#include "core/write_rules.h"
#include "pg/db.h"
#include "write/audit_check.h"
#include "write/change_rows.h"

namespace scope_migrate {

bool RollbackStep::Next(pqxx::connection& conn, size_t limit, Batch& batch) {
  pqxx::read_transaction txn(conn, "rollback_keys");
  SetLocalTimeouts(txn, audit_.timeouts());
  batch.keys = NextKeysToRevert(audit_, txn, run_id_, last_key_, limit);
  txn.commit();
  if (batch.keys.empty()) return false;
  last_key_ = batch.keys.back().id;
  return true;
}

Selection RollbackStep::Select(pqxx::transaction_base& txn, const Batch& batch,
                               const KeyStates& now) {
  std::vector<std::string> ids;
  for (const KeyChange& key : batch.keys) ids.push_back(key.id);
  const std::set<std::string> touched = TouchedLater(audit_, txn, run_id_, ids);
  Selection selection;
  for (const KeyChange& key : batch.keys) {
    if (const std::string why = JudgeRevert(plan_, key, layout_); !why.empty()) {
      throw ToolError(kExitInvalidInput, "an audit row of run " + std::to_string(run_id_) +
                                             " matches no change of its plan (" + why +
                                             "); this batch was not written");
    }
    const auto it = now.find(key.id);
    const KeyState* state = it == now.end() ? nullptr : &it->second;
    if (JudgeRevert(state, key, touched.count(key.id) > 0) == Verdict::kWrite) {
      selection.write.push_back(&key);
      if (dry_run_) List(key);
    } else {
      selection.left_alone.push_back(key.id);
    }
  }
  return selection;
}

void RollbackStep::List(const KeyChange& key) {
  if (++listed_ > kKeysListed) return;
  out_ << "revert   " << key.id << "\n";
  for (const auto& scope : key.remove) out_ << "    - " << scope << "\n";
  for (const auto& scope : key.add) out_ << "    + " << scope << "\n";
}

void RollbackStep::FinishSucceeded(pqxx::connection& conn, const AuditLog& audit, int64_t run_id) {
  FinishRollback(audit, conn, run_id, run_id_);
}

void PrintRollbackReport(std::ostream& out, int64_t run_id, bool dry_run, const RunEnd& end) {
  const RunTotals& t = end.totals;
  out << (dry_run ? "would roll back run " : "rollback of run ") << run_id << ": " << t.keys
      << " keys reverted (" << t.removed << " scopes removed, " << t.added << " re-added); "
      << t.left_alone << " keys changed since and left alone\n";
  if (dry_run && t.keys > RollbackStep::kKeysListed) {
    out << "  (the first " << RollbackStep::kKeysListed << " keys to revert are listed above)\n";
  }
  for (const auto& key : t.left_alone_ids) out << "  changed since, left alone: " << key << "\n";
  if (t.left_alone > t.left_alone_ids.size()) {
    out << "  ... and " << t.left_alone - t.left_alone_ids.size() << " more keys left alone\n";
  }
}

}  // namespace scope_migrate
