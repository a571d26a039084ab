#include "applier.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

#include "errors.h"
#include "fingerprint.h"
#include "interrupt.h"
#include "pg_key_source.h"

namespace scope_migrate {

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (const char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out + "}";
}

bool PauseBetweenBatches(const ApplyOptions& options, uint64_t keys_done,
                         std::chrono::steady_clock::time_point started, Progress& progress) {
  int64_t wait_ms = options.pause_ms;
  if (options.max_rate > 0) {
    const double due_ms = static_cast<double>(keys_done) / options.max_rate * 1000.0;
    const double elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    wait_ms = std::max<int64_t>(wait_ms, static_cast<int64_t>(due_ms - elapsed_ms));
  }
  if (wait_ms <= 0) return !InterruptGuard::Requested();
  progress.SetNote("pausing " + std::to_string(wait_ms) + "ms");
  const bool completed = InterruptGuard::SleepUnlessInterrupted(wait_ms);
  progress.SetNote("");
  return completed;
}

namespace {

const char kChangesTemp[] = "scope_migrate_changes";

// Ends the run early with an exit code and a status for the run row.
struct StopRun {
  int exit_code;
  std::string status;
  std::string message;
};

struct KeyState {
  bool revoked = false;
  std::vector<std::string> roles, scopes;
};

std::vector<std::string> AfterApply(const PlanKeyLine& key) {
  std::vector<std::string> after = key.current;
  after.insert(after.end(), key.add.begin(), key.add.end());
  std::sort(after.begin(), after.end());
  after.erase(std::unique(after.begin(), after.end()), after.end());
  std::vector<std::string> kept;
  std::set_difference(after.begin(), after.end(), key.remove.begin(), key.remove.end(),
                      std::back_inserter(kept));
  return kept;
}

class Applier {
 public:
  Applier(pqxx::connection& conn, AuditLog& audit, const ResolvedLayout& layout,
          const ApplyOptions& options, std::ostream& out)
      : conn_(conn),
        audit_(audit),
        l_(layout),
        options_(options),
        out_(out),
        progress_(options.progress, "apply") {}

  ApplyOutcome Run(const PlanFile& plan, const std::string& operator_name,
                   const std::string& filter);

 private:
  void ProcessBatch(pqxx::transaction_base& txn);
  void CommitBatch(std::unique_ptr<pqxx::work>& txn);
  std::string FirstKey() const { return batch_.empty() ? "?" : batch_.front().id; }

  pqxx::connection& conn_;
  AuditLog& audit_;
  const ResolvedLayout& l_;
  const ApplyOptions& options_;
  std::ostream& out_;
  Progress progress_;
  ApplyOutcome outcome_;
  std::vector<PlanKeyLine> batch_;
  size_t batch_index_ = 0;
  uint64_t keys_done_ = 0;
  // Counts of the batch in flight, added to the outcome when it commits.
  uint64_t pending_keys_ = 0, pending_added_ = 0, pending_removed_ = 0, pending_already_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

void Applier::ProcessBatch(pqxx::transaction_base& txn) {
  if (options_.fault) options_.fault(batch_index_, "lock");
  std::vector<std::string> ids;
  ids.reserve(batch_.size());
  for (const auto& key : batch_) ids.push_back(key.id);
  const std::string id_array = TextArrayLiteral(ids);
  const std::string ids_sql = "k." + l_.id + " = ANY($1::" + l_.id_type + "[])";

  // Lock first, then read: the read sees everything committed before the lock was ours.
  txn.exec_params("SELECT 1 FROM " + l_.keys + " k WHERE " + ids_sql + " ORDER BY k." + l_.id +
                      " FOR UPDATE OF k",
                  id_array);
  const pqxx::result rows = txn.exec_params(
      "SELECT k." + l_.id + "::text, k." + l_.revoked_at + " IS NOT NULL, ARRAY(SELECT r." +
          l_.role + "::text FROM " + l_.roles + " r WHERE r." + l_.roles_key + " = k." + l_.id +
          "), ARRAY(SELECT s." + l_.scope + "::text FROM " + l_.scopes + " s WHERE s." +
          l_.scopes_key + " = k." + l_.id + ") FROM " + l_.keys + " k WHERE " + ids_sql,
      id_array);
  std::map<std::string, KeyState> states;
  for (const auto& row : rows) {
    KeyState state;
    state.revoked = row[1].as<bool>();
    state.roles = ParseTextArray(row[2].c_str());
    state.scopes = ParseTextArray(row[3].c_str());
    states.emplace(row[0].c_str(), std::move(state));
  }

  pending_keys_ = pending_added_ = pending_removed_ = pending_already_ = 0;
  std::vector<const PlanKeyLine*> to_write;
  for (const auto& key : batch_) {
    auto it = states.find(key.id);
    if (it == states.end()) {
      throw StopRun{
          kExitStalePlan, "stale",
          "key " + key.id + " (plan line " + std::to_string(key.line) + ") no longer exists"};
    }
    const KeyState& now = it->second;
    const std::string fingerprint = Fingerprint(now.revoked, now.roles, now.scopes);
    if (fingerprint == key.fingerprint) {
      to_write.push_back(&key);
    } else if (fingerprint == Fingerprint(false, key.roles, AfterApply(key))) {
      ++pending_already_;  // written by an earlier, interrupted run of this plan
    } else {
      throw StopRun{kExitStalePlan, "stale",
                    "key " + key.id + " (plan line " + std::to_string(key.line) +
                        ") changed since the plan: its roles, scopes or revocation differ"};
    }
  }
  if (to_write.empty()) return;

  if (options_.fault) options_.fault(batch_index_, "write");
  // The keys are locked and exactly as planned, so none of the scopes to add exists: they
  // go straight into the scopes table with COPY, the fastest path PostgreSQL has. Should
  // one exist after all, the COPY fails and the batch rolls back whole.
  for (const PlanKeyLine* key : to_write) {
    pending_added_ += key->add.size();
    pending_removed_ += key->remove.size();
  }
  pending_keys_ = to_write.size();
  if (pending_added_ > 0) {
    pqxx::stream_to stream(txn, l_.scopes, std::vector<std::string>{l_.scopes_key, l_.scope});
    for (const PlanKeyLine* key : to_write) {
      for (const auto& scope : key->add) stream << std::make_tuple(key->id, scope);
    }
    stream.complete();
  }
  if (pending_removed_ > 0) {
    if (options_.single_transaction) txn.exec(std::string("TRUNCATE ") + kChangesTemp);
    {
      pqxx::stream_to stream(txn, kChangesTemp);
      for (const PlanKeyLine* key : to_write) {
        for (const auto& scope : key->remove)
          stream << std::make_tuple(key->id, scope, std::string("remove"));
      }
      stream.complete();
    }
    const pqxx::result deleted = txn.exec(
        "DELETE FROM " + l_.scopes + " s USING " + kChangesTemp + " t WHERE s." + l_.scopes_key +
        " = t.key_id::" + l_.scopes_key_type + " AND s." + l_.scope + " = t.scope");
    // Row locks on the keys do not stop another session deleting scope rows: if fewer rows
    // went than planned, the audit would not match the table, so the batch is stale.
    if (deleted.affected_rows() != pending_removed_) {
      throw StopRun{kExitStalePlan, "stale",
                    "batch " + std::to_string(batch_index_ + 1) + " starting at key " + FirstKey() +
                        ": " + std::to_string(pending_removed_ - deleted.affected_rows()) +
                        " scopes to remove were already gone (changed since the plan)"};
    }
  }
  {
    pqxx::stream_to stream(txn, audit_.changes_table(),
                           std::vector<std::string>{"run_id", "api_key_id", "scope", "action"});
    for (const PlanKeyLine* key : to_write) {
      for (const auto& scope : key->add)
        stream << std::make_tuple(outcome_.run_id, key->id, scope, std::string("add"));
      for (const auto& scope : key->remove) {
        stream << std::make_tuple(outcome_.run_id, key->id, scope, std::string("remove"));
      }
    }
    stream.complete();
  }
  audit_.AddCounts(txn, outcome_.run_id, static_cast<int64_t>(pending_keys_),
                   static_cast<int64_t>(pending_added_), static_cast<int64_t>(pending_removed_));
}

ApplyOutcome Applier::Run(const PlanFile& plan, const std::string& operator_name,
                          const std::string& filter) {
  outcome_.blocked = plan.counts().blocked;
  {
    pqxx::work txn(conn_, "temp_table");
    SetLocalTimeouts(txn, options_.timeouts);
    txn.exec(std::string("CREATE TEMP TABLE IF NOT EXISTS ") + kChangesTemp + " (key_id " +
             l_.id_type +
             " NOT NULL, scope text NOT NULL, action text NOT NULL) ON COMMIT DELETE ROWS");
    txn.commit();
  }
  RunStart start;
  start.kind = "apply";
  start.operator_name = operator_name;
  start.mapping_sha256 = plan.header().mapping_sha256;
  start.plan_sha256 = plan.sha256();
  start.cutoff = FormatUtc(plan.header().cutoff);
  start.filter = filter;
  outcome_.run_id = audit_.StartRun(start);
  {
    pqxx::nontransaction txn(conn_);
    txn.exec("SET application_name = " +
             txn.quote("scope-migrate run " + std::to_string(outcome_.run_id)));
  }

  InterruptGuard interrupt(conn_);
  progress_.Start(plan.counts().change);
  std::unique_ptr<pqxx::work> txn;
  ApplyOutcome uncommitted;  // counts written but not yet committed
  auto commit = [&] {
    if (!txn) return;
    if (options_.fault) options_.fault(batch_index_ == 0 ? 0 : batch_index_ - 1, "commit");
    txn->commit();
    txn.reset();
    outcome_.batches_committed += uncommitted.batches_committed;
    outcome_.keys_changed += uncommitted.keys_changed;
    outcome_.scopes_added += uncommitted.scopes_added;
    outcome_.scopes_removed += uncommitted.scopes_removed;
    outcome_.already_applied += uncommitted.already_applied;
    uncommitted = ApplyOutcome{};
  };
  auto stop_if_interrupted = [] {
    if (InterruptGuard::Requested()) {
      throw StopRun{kExitInterrupted, "interrupted",
                    std::string("stopped by ") + InterruptGuard::SignalName()};
    }
  };
  auto flush = [&] {
    if (batch_.empty()) return;
    if (!txn) {
      txn = std::make_unique<pqxx::work>(conn_, "apply_batch");
      SetLocalTimeouts(*txn, options_.timeouts);
    }
    ProcessBatch(*txn);
    uncommitted.batches_committed += 1;
    uncommitted.keys_changed += pending_keys_;
    uncommitted.scopes_added += pending_added_;
    uncommitted.scopes_removed += pending_removed_;
    uncommitted.already_applied += pending_already_;
    keys_done_ += batch_.size();
    batch_.clear();
    ++batch_index_;
    if (!options_.single_transaction) commit();
    progress_.Update(keys_done_, true);
    if (!options_.single_transaction) {
      stop_if_interrupted();
      PauseBetweenBatches(options_, keys_done_, started_, progress_);
    }
    stop_if_interrupted();
  };

  std::vector<std::pair<std::string, std::string>> blocked;
  try {
    plan.ForEachKey([&](const PlanKeyLine& key) {
      if (key.status == Status::kBlocked) {
        if (blocked.size() < 50) blocked.emplace_back(key.id, key.reason);
        return;
      }
      if (key.status != Status::kChange) return;
      batch_.push_back(key);
      if (batch_.size() >= options_.batch_size) flush();
    });
    flush();
    commit();
    outcome_.status = "succeeded";
  } catch (const StopRun& stop) {
    txn.reset();  // rolls back the batch in flight, whole
    outcome_.exit_code = stop.exit_code;
    outcome_.status = stop.status;
    outcome_.message = stop.message;
  } catch (const pqxx::broken_connection& e) {
    txn.reset();
    progress_.Finish();
    throw RuntimeFailure(
        "lost the connection to PostgreSQL during batch " + std::to_string(batch_index_ + 1) +
        " (first key " + FirstKey() + "): " + std::to_string(outcome_.batches_committed) +
        " batches are committed (" + std::to_string(outcome_.keys_changed) +
        " keys changed); the batch in flight was not. Run " + std::to_string(outcome_.run_id) +
        " stays 'running' until the next run marks it 'interrupted'. Resume with: " +
        options_.resume_hint);
  } catch (const pqxx::in_doubt_error& e) {
    txn.reset();
    progress_.Finish();
    throw RuntimeFailure("the connection broke while committing batch " +
                         std::to_string(batch_index_) +
                         ": its outcome is unknown. Re-running the same command checks every key "
                         "and finishes the work: " +
                         options_.resume_hint);
  } catch (const pqxx::sql_error& e) {
    txn.reset();
    const std::string state = e.sqlstate();
    outcome_.exit_code = InterruptGuard::Requested() ? kExitInterrupted : kExitFailure;
    outcome_.status = InterruptGuard::Requested() ? "interrupted" : "failed";
    std::string what = e.what();
    while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
    if (InterruptGuard::Requested()) {
      outcome_.message = std::string("stopped by ") + InterruptGuard::SignalName() +
                         " (second signal: batch cancelled)";
    } else if (state == "55P03") {
      outcome_.message = "batch " + std::to_string(batch_index_ + 1) + " starting at key " +
                         FirstKey() +
                         " waited longer than --lock-timeout for a lock held by another session "
                         "and was rolled back whole (SQLSTATE 55P03)";
    } else if (state == "57014") {
      outcome_.message =
          "batch " + std::to_string(batch_index_ + 1) + " starting at key " + FirstKey() +
          " ran longer than --statement-timeout and was rolled back whole (SQLSTATE 57014)";
    } else {
      outcome_.message = "batch " + std::to_string(batch_index_ + 1) + " starting at key " +
                         FirstKey() + " failed and was rolled back whole (SQLSTATE " + state +
                         "): " + what;
    }
  } catch (...) {
    txn.reset();
    try {
      audit_.FinishRun(outcome_.run_id, "failed", "unexpected error; committed batches stay");
    } catch (...) {
    }
    throw;
  }
  progress_.Finish();
  audit_.FinishRun(outcome_.run_id, outcome_.status, outcome_.message);

  if (!blocked.empty()) {
    out_ << outcome_.blocked << " blocked keys were left alone (--allow-blocked):\n";
    for (const auto& [id, reason] : blocked) out_ << "  blocked  " << id << "  " << reason << "\n";
    if (outcome_.blocked > blocked.size())
      out_ << "  ... and " << outcome_.blocked - blocked.size() << " more\n";
  }
  out_ << "apply run " << outcome_.run_id << " " << outcome_.status
       << (filter.empty() ? "" : " (PARTIAL RUN, only " + filter + ")") << ": "
       << outcome_.keys_changed << " keys changed, " << outcome_.scopes_added << " scopes added, "
       << outcome_.scopes_removed << " removed, in " << outcome_.batches_committed
       << " committed batch" << (outcome_.batches_committed == 1 ? "" : "es");
  if (outcome_.already_applied > 0)
    out_ << "; " << outcome_.already_applied << " keys were already applied";
  out_ << "\n";
  if (outcome_.exit_code != kExitOk) {
    std::string advice;
    if (outcome_.exit_code == kExitStalePlan) {
      advice = "; nothing was written from this batch on. Make a new plan and review it";
    } else {
      advice = "; committed batches stay. Resume with: " + options_.resume_hint;
    }
    outcome_.message += advice;
  }
  return outcome_;
}

}  // namespace

ApplyOutcome ApplyPlan(pqxx::connection& conn, AuditLog& audit, const ResolvedLayout& layout,
                       const PlanFile& plan, const ApplyOptions& options,
                       const std::string& operator_name, const std::string& filter,
                       std::ostream& out) {
  Applier applier(conn, audit, layout, options, out);
  return applier.Run(plan, operator_name, filter);
}

}  // namespace scope_migrate
