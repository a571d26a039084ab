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

// SQL for the changes of `run` on the keys in $2 (a text array) that can be reverted:
// the key was not changed since. $1 is the run id.
std::string RevertibleChangesSql(const AuditLog& audit, const ResolvedLayout& l) {
  const std::string changes = audit.changes_table();
  return "SELECT c.api_key_id, c.scope, c.action FROM " + changes +
         " c WHERE c.run_id = $1 AND c.api_key_id = ANY($2::text[]) AND NOT EXISTS ("
         // a scope the run added is gone, or one it removed is back
         "SELECT 1 FROM " + changes + " c2 WHERE c2.run_id = $1 AND c2.api_key_id = c.api_key_id AND "
         "(c2.action = 'add') <> EXISTS (SELECT 1 FROM " + l.scopes + " s WHERE s." + l.scopes_key +
         " = c2.api_key_id::" + l.scopes_key_type + " AND s." + l.scope + " = c2.scope)) AND NOT EXISTS ("
         // a later apply run that is not rolled back touched the key
         "SELECT 1 FROM " + changes + " c3 JOIN " + audit.runs_table() +
         " r ON r.run_id = c3.run_id WHERE c3.api_key_id = c.api_key_id AND c3.run_id > $1 AND "
         "r.kind = 'apply' AND r.status <> 'rolled-back')";
}

}  // namespace

RollbackOutcome RollbackRun(pqxx::connection& conn, AuditLog& audit, const ResolvedLayout& l,
                            int64_t run_id, bool execute, const ApplyOptions& options,
                            const std::string& operator_name, std::ostream& out) {
  RollbackOutcome outcome;
  if (!audit.Exists()) throw RuntimeFailure("no audit tables in this database: nothing was ever applied here");
  const auto run = audit.FindRun(run_id);
  if (!run) throw RuntimeFailure("there is no run " + std::to_string(run_id) + " (see `scope-migrate history`)");
  if (run->kind != "apply") throw RuntimeFailure("run " + std::to_string(run_id) + " is a " + run->kind + ", not an apply run");
  if (run->status == "rolled-back") {
    throw RuntimeFailure("run " + std::to_string(run_id) + " is already rolled back (by run " +
                         std::to_string(run->rolled_back_by.value_or(0)) + ")");
  }
  if (run->status == "running") {
    throw RuntimeFailure("run " + std::to_string(run_id) + " is still running");
  }

  // Keys of the run not yet reverted by an earlier (interrupted) rollback of it.
  std::vector<std::string> keys;
  {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, options.timeouts);
    const pqxx::result r = txn.exec_params(
        "SELECT DISTINCT c.api_key_id FROM " + audit.changes_table() + " c WHERE c.run_id = $1 AND NOT EXISTS ("
        "SELECT 1 FROM " + audit.changes_table() + " d JOIN " + audit.runs_table() +
        " rr ON rr.run_id = d.run_id WHERE rr.rollback_of = $1 AND rr.kind = 'rollback' AND d.api_key_id = c.api_key_id) "
        "ORDER BY 1",
        run_id);
    for (const auto& row : r) keys.emplace_back(row[0].c_str());
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
    txn.exec(std::string("CREATE TEMP TABLE IF NOT EXISTS ") + kRevertTemp +
             " (key_id text NOT NULL, scope text NOT NULL, action text NOT NULL) ON COMMIT DELETE ROWS");
    txn.commit();
  }

  std::optional<InterruptGuard> interrupt;
  if (execute) interrupt.emplace(conn);
  Progress progress(options.progress, "rollback");
  progress.Start(keys.size());
  const auto started = std::chrono::steady_clock::now();
  const std::string revertible = RevertibleChangesSql(audit, l);
  std::vector<std::string> left_alone;
  std::string status = "succeeded";
  size_t done = 0;
  try {
    for (size_t begin = 0; begin < keys.size(); begin += options.batch_size) {
      const std::vector<std::string> batch(keys.begin() + begin,
                                           keys.begin() + std::min(keys.size(), begin + options.batch_size));
      const std::string ids = TextArrayLiteral(batch);
      std::unique_ptr<pqxx::transaction_base> txn;
      if (execute) {
        txn = std::make_unique<pqxx::work>(conn, "rollback_batch");
      } else {
        txn = std::make_unique<pqxx::read_transaction>(conn, "rollback_dry_run");
      }
      SetLocalTimeouts(*txn, options.timeouts);
      if (execute) {
        txn->exec_params("SELECT 1 FROM " + l.keys + " k WHERE k." + l.id + " = ANY($1::" + l.id_type + "[]) ORDER BY k." +
                             l.id + " FOR UPDATE OF k",
                         ids);
      }
      const pqxx::result rows = txn->exec_params(revertible + " ORDER BY 1, 2", run_id, ids);
      std::set<std::string> reverted;
      for (const auto& row : rows) {
        const std::string key = row[0].c_str(), scope = row[1].c_str(), action = row[2].c_str();
        if (reverted.insert(key).second) {
          ++outcome.keys_reverted;
          if (!execute) out << "revert   " << key << "\n";
        }
        if (action == "add") {
          ++outcome.scopes_removed;
          if (!execute) out << "    - " << scope << "\n";
        } else {
          ++outcome.scopes_added;
          if (!execute) out << "    + " << scope << "\n";
        }
      }
      for (const auto& key : batch) {
        if (!reverted.count(key)) left_alone.push_back(key);
      }
      if (execute) {
        txn->exec_params("INSERT INTO " + std::string(kRevertTemp) + " " + revertible, run_id, ids);
        const std::string key_cast = "t.key_id::" + l.scopes_key_type;
        txn->exec("DELETE FROM " + l.scopes + " s USING " + kRevertTemp + " t WHERE t.action = 'add' AND s." +
                  l.scopes_key + " = " + key_cast + " AND s." + l.scope + " = t.scope");
        txn->exec("INSERT INTO " + l.scopes + " (" + l.scopes_key + ", " + l.scope + ") SELECT " + key_cast +
                  ", t.scope FROM " + kRevertTemp + " t WHERE t.action = 'remove' ON CONFLICT DO NOTHING");
        const pqxx::result counts = txn->exec_params(
            "INSERT INTO " + audit.changes_table() + " (run_id, api_key_id, scope, action) SELECT $1, t.key_id, "
            "t.scope, CASE t.action WHEN 'add' THEN 'remove' ELSE 'add' END FROM " + kRevertTemp +
            " t RETURNING api_key_id, action",
            outcome.rollback_run_id);
        int64_t added = 0, removed = 0;
        std::set<std::string> batch_keys;
        for (const auto& row : counts) {
          batch_keys.insert(row[0].c_str());
          (std::string(row[1].c_str()) == "add" ? added : removed) += 1;
        }
        audit.AddCounts(*txn, outcome.rollback_run_id, static_cast<int64_t>(batch_keys.size()), added, removed);
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
    outcome.message = std::string("a rollback batch failed and was rolled back whole (SQLSTATE ") + e.sqlstate() +
                      "): " + e.what();
  }
  progress.Finish();

  out << (execute ? "rollback of run " : "would roll back run ") << run_id << ": " << outcome.keys_reverted
      << " keys reverted (" << outcome.scopes_removed << " scopes removed, " << outcome.scopes_added
      << " re-added)";
  outcome.keys_left_alone = left_alone.size();
  out << "; " << left_alone.size() << " keys changed since and left alone\n";
  for (size_t i = 0; i < left_alone.size() && i < 50; ++i) out << "  changed since, left alone: " << left_alone[i] << "\n";
  if (!execute) {
    out << "dry run: nothing was written; add --yes to roll back\n";
    return outcome;
  }
  if (status == "succeeded") {
    pqxx::work txn(conn, "mark_rolled_back");
    SetLocalTimeouts(txn, options.timeouts);
    txn.exec_params("UPDATE " + audit.runs_table() + " SET status = 'rolled-back', rolled_back_by = $2 WHERE run_id = $1",
                    run_id, outcome.rollback_run_id);
    txn.exec_params("UPDATE " + audit.runs_table() + " SET status = 'succeeded', finished_at = clock_timestamp() "
                    "WHERE run_id = $1",
                    outcome.rollback_run_id);
    txn.commit();
    out << "run " << run_id << " is marked rolled-back by run " << outcome.rollback_run_id << "\n";
  } else {
    audit.FinishRun(outcome.rollback_run_id, status, outcome.message);
    outcome.exit_code = status == "interrupted" ? kExitInterrupted : kExitFailure;
    if (outcome.message.empty()) outcome.message = std::string("stopped by ") + InterruptGuard::SignalName();
    outcome.message += "; committed batches stay. Re-run the same rollback to finish: " + options.resume_hint;
  }
  return outcome;
}

}  // namespace scope_migrate
