#include "rollback.h"

#include <memory>
#include <optional>
#include <set>

#include "errors.h"
#include "interrupt.h"
#include "progress.h"

namespace scope_migrate {
namespace {

const char kRevertTemp[] = "scope_migrate_revert";

// The changes of run $1 on the keys in $2 (a text array) that can be reverted: those of
// keys not changed since. A key changed since: a scope the run added is gone, one it
// removed is back, or a later apply run that is not rolled back touched it. Every lookup
// goes through the changes table's primary key (run_id, api_key_id, scope).
std::string RevertibleChangesSql(const AuditLog& audit, const ResolvedLayout& l) {
  const std::string changes = audit.changes_table();
  return "WITH mine AS (SELECT c.api_key_id, c.scope, c.action FROM " + changes +
         " c WHERE c.run_id = $1 AND c.api_key_id = ANY($2::text[])), changed AS ("
         "SELECT m.api_key_id FROM mine m WHERE (m.action = 'add') <> EXISTS (SELECT 1 FROM " +
         l.scopes + " s WHERE s." + l.scopes_key + " = m.api_key_id::" + l.scopes_key_type +
         " AND s." + l.scope +
         " = m.scope) UNION SELECT m.api_key_id FROM mine m WHERE EXISTS (SELECT 1 FROM " +
         audit.runs_table() + " r JOIN " + changes +
         " c3 ON c3.run_id = r.run_id AND c3.api_key_id = m.api_key_id "
         "WHERE r.run_id > $1 AND r.kind = 'apply' AND r.status <> 'rolled-back')) "
         "SELECT m.api_key_id, m.scope, m.action FROM mine m WHERE m.api_key_id NOT IN (SELECT "
         "api_key_id FROM changed)";
}

// The next batch of keys of run $1 after $2 (in text order) that no earlier rollback of
// the run has reverted yet, so an interrupted rollback resumes where it stopped.
std::string NextKeysSql(const AuditLog& audit) {
  const std::string changes = audit.changes_table();
  return "SELECT DISTINCT c.api_key_id FROM " + changes +
         " c WHERE c.run_id = $1 AND c.api_key_id > $2 "
         "AND NOT EXISTS (SELECT 1 FROM " +
         audit.runs_table() + " rr JOIN " + changes +
         " d ON d.run_id = rr.run_id AND d.api_key_id = c.api_key_id WHERE rr.rollback_of = $1 AND "
         "rr.kind = 'rollback') ORDER BY 1 LIMIT $3";
}

}  // namespace

RollbackOutcome RollbackRun(pqxx::connection& conn, AuditLog& audit, const ResolvedLayout& l,
                            int64_t run_id, bool execute, const ApplyOptions& options,
                            const std::string& operator_name, std::ostream& out) {
  RollbackOutcome outcome;
  if (!audit.Exists())
    throw RuntimeFailure("no audit tables in this database: nothing was ever applied here");
  const auto run = audit.FindRun(run_id);
  if (!run)
    throw RuntimeFailure("there is no run " + std::to_string(run_id) +
                         " (see `scope-migrate history`)");
  if (run->kind != "apply")
    throw RuntimeFailure("run " + std::to_string(run_id) + " is a " + run->kind +
                         ", not an apply run");
  if (run->status == "rolled-back") {
    throw RuntimeFailure("run " + std::to_string(run_id) + " is already rolled back (by run " +
                         std::to_string(run->rolled_back_by.value_or(0)) + ")");
  }
  if (run->status == "running") {
    throw RuntimeFailure("run " + std::to_string(run_id) + " is still running");
  }

  int64_t total_keys = 0;
  {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, options.timeouts);
    total_keys = txn.exec_params("SELECT count(DISTINCT api_key_id) FROM " + audit.changes_table() +
                                     " WHERE run_id = $1",
                                 run_id)[0][0]
                     .as<int64_t>();
  }

  if (execute) {
    RunStart start;
    start.kind = "rollback";
    start.operator_name = operator_name;
    start.mapping_sha256 = run->mapping_sha256;
    start.plan_sha256 = run->plan_sha256;
    start.rollback_of = run_id;
    outcome.rollback_run_id = audit.StartRun(start);
    pqxx::work txn(conn, "temp_table");
    SetLocalTimeouts(txn, options.timeouts);
    txn.exec(
        std::string("CREATE TEMP TABLE IF NOT EXISTS ") + kRevertTemp +
        " (key_id text NOT NULL, scope text NOT NULL, action text NOT NULL) ON COMMIT DELETE ROWS");
    txn.commit();
  }

  std::optional<InterruptGuard> interrupt;
  if (execute) interrupt.emplace(conn);
  Progress progress(options.progress, "rollback");
  progress.Start(static_cast<uint64_t>(total_keys));
  const auto started = std::chrono::steady_clock::now();
  const std::string revertible = RevertibleChangesSql(audit, l);
  std::vector<std::string> left_alone;  // the first 50, for the report
  const size_t kShown = 200;            // dry run: keys listed with their scopes
  std::string status = "succeeded";
  size_t done = 0;
  std::string last_key;  // keyset pagination: "" sorts before every id
  try {
    for (;;) {
      std::vector<std::string> batch;
      {
        pqxx::read_transaction txn(conn);
        SetLocalTimeouts(txn, options.timeouts);
        for (const auto& row : txn.exec_params(NextKeysSql(audit), run_id, last_key,
                                               static_cast<int64_t>(options.batch_size))) {
          batch.emplace_back(row[0].c_str());
        }
      }
      if (batch.empty()) break;
      last_key = batch.back();
      const std::string ids = TextArrayLiteral(batch);
      std::unique_ptr<pqxx::transaction_base> txn;
      if (execute) {
        txn = std::make_unique<pqxx::work>(conn, "rollback_batch");
      } else {
        txn = std::make_unique<pqxx::read_transaction>(conn, "rollback_dry_run");
      }
      SetLocalTimeouts(*txn, options.timeouts);
      if (execute) {
        txn->exec_params("SELECT 1 FROM " + l.keys + " k WHERE k." + l.id + " = ANY($1::" +
                             l.id_type + "[]) ORDER BY k." + l.id + " FOR UPDATE OF k",
                         ids);
      }
      const pqxx::result rows = txn->exec_params(revertible + " ORDER BY 1, 2", run_id, ids);
      std::set<std::string> reverted;
      for (const auto& row : rows) {
        const std::string key = row[0].c_str(), scope = row[1].c_str(), action = row[2].c_str();
        const bool show = !execute && outcome.keys_reverted <= kShown;
        if (reverted.insert(key).second) {
          ++outcome.keys_reverted;
          if (!execute && outcome.keys_reverted <= kShown) out << "revert   " << key << "\n";
        }
        if (action == "add") {
          ++outcome.scopes_removed;
          if (show) out << "    - " << scope << "\n";
        } else {
          ++outcome.scopes_added;
          if (show) out << "    + " << scope << "\n";
        }
      }
      for (const auto& key : batch) {
        if (reverted.count(key)) continue;
        ++outcome.keys_left_alone;
        if (left_alone.size() < 50) left_alone.push_back(key);
      }
      if (execute) {
        txn->exec_params("INSERT INTO " + std::string(kRevertTemp) + " " + revertible, run_id, ids);
        const std::string key_cast = "t.key_id::" + l.scopes_key_type;
        txn->exec("DELETE FROM " + l.scopes + " s USING " + kRevertTemp +
                  " t WHERE t.action = 'add' AND s." + l.scopes_key + " = " + key_cast + " AND s." +
                  l.scope + " = t.scope");
        txn->exec("INSERT INTO " + l.scopes + " (" + l.scopes_key + ", " + l.scope + ") SELECT " +
                  key_cast + ", t.scope FROM " + kRevertTemp +
                  " t WHERE t.action = 'remove' ON CONFLICT DO NOTHING");
        const pqxx::result counts = txn->exec_params(
            "INSERT INTO " + audit.changes_table() +
                " (run_id, api_key_id, scope, action) SELECT $1, t.key_id, "
                "t.scope, CASE t.action WHEN 'add' THEN 'remove' ELSE 'add' END FROM " +
                kRevertTemp + " t RETURNING api_key_id, action",
            outcome.rollback_run_id);
        int64_t added = 0, removed = 0;
        std::set<std::string> batch_keys;
        for (const auto& row : counts) {
          batch_keys.insert(row[0].c_str());
          (std::string(row[1].c_str()) == "add" ? added : removed) += 1;
        }
        audit.AddCounts(*txn, outcome.rollback_run_id, static_cast<int64_t>(batch_keys.size()),
                        added, removed);
        txn->commit();
        if (InterruptGuard::Requested()) {
          status = "interrupted";
          break;
        }
        if (!PauseBetweenBatches(options, done + batch.size(), started, progress)) {
          status = "interrupted";
          break;
        }
      }
      done += batch.size();
      progress.Update(done);
    }
  } catch (const pqxx::sql_error& e) {
    if (!execute) throw;
    status = InterruptGuard::Requested() ? "interrupted" : "failed";
    outcome.message = std::string("a rollback batch failed and was rolled back whole (SQLSTATE ") +
                      e.sqlstate() + "): " + e.what();
  }
  progress.Finish();

  out << (execute ? "rollback of run " : "would roll back run ") << run_id << ": "
      << outcome.keys_reverted << " keys reverted (" << outcome.scopes_removed
      << " scopes removed, " << outcome.scopes_added << " re-added)";
  out << "; " << outcome.keys_left_alone << " keys changed since and left alone\n";
  if (!execute && outcome.keys_reverted > kShown) {
    out << "  (the first " << kShown << " keys to revert are listed above)\n";
  }
  for (const auto& key : left_alone) out << "  changed since, left alone: " << key << "\n";
  if (outcome.keys_left_alone > left_alone.size()) {
    out << "  ... and " << outcome.keys_left_alone - left_alone.size() << " more keys left alone\n";
  }
  if (!execute) {
    out << "dry run: nothing was written; add --yes to roll back\n";
    return outcome;
  }
  if (status == "succeeded") {
    pqxx::work txn(conn, "mark_rolled_back");
    SetLocalTimeouts(txn, options.timeouts);
    txn.exec_params("UPDATE " + audit.runs_table() +
                        " SET status = 'rolled-back', rolled_back_by = $2 WHERE run_id = $1",
                    run_id, outcome.rollback_run_id);
    txn.exec_params("UPDATE " + audit.runs_table() +
                        " SET status = 'succeeded', finished_at = clock_timestamp() "
                        "WHERE run_id = $1",
                    outcome.rollback_run_id);
    txn.commit();
    out << "run " << run_id << " is marked rolled-back by run " << outcome.rollback_run_id << "\n";
  } else {
    audit.FinishRun(outcome.rollback_run_id, status, outcome.message);
    outcome.exit_code = status == "interrupted" ? kExitInterrupted : kExitFailure;
    if (outcome.message.empty())
      outcome.message = std::string("stopped by ") + InterruptGuard::SignalName();
    outcome.message +=
        "; committed batches stay. Re-run the same rollback to finish: " + options.resume_hint;
  }
  return outcome;
}

}  // namespace scope_migrate
