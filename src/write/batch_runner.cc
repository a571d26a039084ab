#include "write/batch_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <mutex>
#include <thread>

#include "base/event_log.h"
#include "base/pause_file.h"
#include "pg/db.h"
#include "write/change_rows.h"
#include "write/health_gate.h"
#include "write/interrupt.h"
#include "write/run_metrics_file.h"
#include "write/test_pause.h"
#include "write/throttle.h"

namespace scope_migrate {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

const KeyChange& Deref(const KeyChange& change) { return change; }
const KeyChange& Deref(const KeyChange* change) { return *change; }

// The keys of `changes` (KeyChange or pointers to one) and their scopes added and removed.
template <typename Changes>
BatchCounts CountsOf(const Changes& changes) {
  BatchCounts counts;
  counts.keys = changes.size();
  for (const auto& change : changes) {
    counts.added += Deref(change).add.size();
    counts.removed += Deref(change).remove.size();
  }
  return counts;
}

ToolError Interrupted() {
  return ToolError(kExitInterrupted, std::string("stopped by ") + InterruptGuard::SignalName());
}

}  // namespace

// What the workers share; every member but the constant ones is guarded by `mutex`.
struct BatchRunner::Shared {
  Shared(WriteStep& step, const BatchRunner& runner, const RunnerOptions& options)
      : step(step),
        progress(options.progress, options.label, options.progress_every_ms),
        throttle(options.pause_ms, options.max_rate, Clock::now()),
        health(options.health, !options.dry_run, runner.audit_, runner.run_id_, options.timeouts,
               options.lease_ms, runner.connect_),
        metrics(options.dry_run ? "" : options.metrics_file, options.label, runner.run_id_,
                options.plan_sha256, options.scopes_total) {}

  std::mutex mutex;
  WriteStep& step;
  size_t batches_handed_out = 0;
  uint64_t keys_done = 0;  // keys of committed batches, written or not, for progress
  RunTotals totals;
  std::optional<StopReason> stop;
  Progress progress;
  Throttle throttle;
  HealthGate health;
  RunMetricsFile metrics;
};

class BatchRunner::Worker {
 public:
  Worker(const BatchRunner& runner, Shared& shared, pqxx::connection& conn)
      : runner_(runner), options_(runner.options_), shared_(shared), conn_(conn) {}

  // Runs batches until there are none left or the run stops; never throws.
  void Loop() {
    Batch batch;
    try {
      while (TakeBatch(batch) && WaitPauseFile() && WaitTurn(batch.keys.size()) && WaitHealthy()) {
        RunWithRetries(batch);
        if (InterruptGuard::Requested() && !options_.dry_run) throw Interrupted();
      }
      Commit();  // --single-transaction: the whole run
    } catch (const std::exception& e) {
      txn_.reset();  // rolls back the batch in flight, whole
      const std::string first = batch.keys.empty() ? "?" : batch.keys.front().id;
      Stop(ClassifyFailure(e, batch.number, first, InterruptGuard::Requested()));
    }
  }

 private:
  bool Sized() const { return !options_.dry_run && !options_.single_transaction; }

  // The next `size_` keys: those held back from a batch split after lock timeouts first.
  bool TakeBatch(Batch& batch) {
    std::lock_guard<std::mutex> hold(shared_.mutex);
    if (shared_.stop) return false;
    batch.keys.clear();
    while (!held_.empty() && batch.keys.size() < size_) {
      batch.keys.push_back(std::move(held_.front()));
      held_.pop_front();
    }
    while (batch.keys.empty()) {
      if (InterruptGuard::Requested() && !options_.dry_run) throw Interrupted();
      batch.passed_over = batch.passed_over_scopes = 0;
      const bool more = shared_.step.Next(conn_, size_, batch);
      if (batch.passed_over > 0) PassedOver(batch);
      if (!more) return false;
    }
    batch.number = ++shared_.batches_handed_out;
    return true;
  }

  // Keys the step passed over before batching: done now, in no batch; under the mutex.
  void PassedOver(const Batch& batch) {
    shared_.totals.already_done += batch.passed_over;
    shared_.totals.already_done_scopes += batch.passed_over_scopes;
    shared_.keys_done += batch.passed_over;
    EmitEvent("passed_over", {{"keys", batch.passed_over},
                              {"scopes", batch.passed_over_scopes},
                              {"keys_done", shared_.keys_done}});
    shared_.progress.Update(shared_.keys_done);
    UpdateMetrics();
  }

  void UpdateMetrics() {
    const RunTotals& t = shared_.totals;
    shared_.metrics.Update(shared_.keys_done, t.scopes_done(), t.batches, size_, shared_.health,
                           "running");
  }

  // Runs the batch; after a lock timeout or deadlock, tries it again as batch_sizing.h
  // says, holding back the keys of a smaller attempt for the next batches.
  void RunWithRetries(Batch& batch) {
    for (;;) {
      const Clock::time_point start = Clock::now();
      try {
        RunBatch(batch, start);
        break;
      } catch (const pqxx::sql_error& e) {
        if (!Retryable(e)) throw;
        txn_.reset();
        pending_ = RunTotals{};
        pending_keys_seen_ = 0;
        const LockRetry retry = AfterLockTimeout(++lock_failures_, batch.keys.size());
        if (retry.give_up) throw;
        ++lock_retries_;
        SetNote("lock wait failed, attempt " + std::to_string(lock_failures_ + 1) + " in " +
                std::to_string(retry.wait_ms) + "ms");
        if (!InterruptGuard::SleepUnlessInterrupted(retry.wait_ms)) throw Interrupted();
        SetNote("");
        while (batch.keys.size() > retry.size) {
          held_.push_front(std::move(batch.keys.back()));
          batch.keys.pop_back();
        }
      }
    }
    lock_failures_ = 0;
  }

  bool Retryable(const pqxx::sql_error& e) const {
    const std::string state = SqlState(e);
    return Sized() && (state == "55P03" || state == "40P01") && !InterruptGuard::Requested();
  }

  // While --pause-file exists, holds the batch back, renewing the lease meanwhile; false
  // when the run stops first.
  bool WaitPauseFile() {
    const std::string& path = options_.pause_file;
    if (path.empty() || !PauseFileHolds(path)) return !Stopping();
    SetNote("paused by " + path);
    EmitEvent("paused", {{"path", path}});
    Clock::time_point renewed = Clock::now();
    while (PauseFileHolds(path) && !Stopping()) {
      Nap(kPauseFilePollMs, renewed);
      Tick();  // a log keeps saying why nothing moves
    }
    EmitEvent("resumed", {{"from", "paused"}, {"path", path}});
    SetNote("");
    return !Stopping();
  }

  // Sleeps until the throttle lets the batch start, renewing the lease meanwhile; false
  // when the run stops first.
  bool WaitTurn(size_t keys) {
    const Clock::time_point start = shared_.throttle.Reserve(Clock::now(), keys);
    if (start <= Clock::now()) return !Stopping();
    const auto wait = std::chrono::duration<double, std::milli>(start - Clock::now()).count();
    SetNote("pausing " + std::to_string(static_cast<int64_t>(std::ceil(wait))) + "ms");
    Clock::time_point renewed = Clock::now();
    for (Clock::time_point now = Clock::now(); now < start && !Stopping(); now = Clock::now()) {
      Nap(std::chrono::duration_cast<std::chrono::milliseconds>(start - now).count() + 1, renewed);
    }
    SetNote("");
    return !Stopping();
  }

  // Sleeps up to `ms` (at most a quarter lease) unless interrupted, renewing the lease
  // when a quarter lease has passed since `renewed`.
  void Nap(int64_t ms, Clock::time_point& renewed) {
    const int64_t renew_ms = std::max<int64_t>(options_.lease_ms / 4, 1);
    if (!InterruptGuard::SleepUnlessInterrupted(std::min(ms, renew_ms)) && !options_.dry_run) {
      throw Interrupted();
    }
    if (options_.dry_run || Clock::now() - renewed < std::chrono::milliseconds(renew_ms)) return;
    Heartbeat(runner_.audit_, conn_, runner_.run_id_);
    renewed = Clock::now();
  }

  // While the health throttle holds the run, holds the batch back; false when the run
  // stops first. --single-transaction checks before its transaction, never inside it.
  bool WaitHealthy() {
    if (txn_) return !Stopping();
    HealthGate::Hooks hooks;
    hooks.stopping = [this] { return Stopping(); };
    hooks.sleep = [](int64_t ms) {
      if (!InterruptGuard::SleepUnlessInterrupted(ms)) throw Interrupted();
    };
    hooks.note = [this](const std::string& note) { SetNote(note); };
    hooks.tick = [this] { Tick(); };
    hooks.say = [this](const std::string& line, bool asks_action) {
      std::lock_guard<std::mutex> hold(shared_.mutex);
      if (!options_.quiet || asks_action) shared_.progress.Say(line);
    };
    return shared_.health.Wait(conn_, hooks);
  }

  void RunBatch(const Batch& batch, Clock::time_point start) {
    if (!txn_) Begin();
    batch_number_ = batch.number;
    if (options_.before_batch && !options_.dry_run) options_.before_batch(*txn_);
    std::vector<std::string> ids;
    ids.reserve(batch.keys.size());
    for (const KeyChange& key : batch.keys) ids.push_back(key.id);
    const KeyStates now = runner_.store_.Read(*txn_, ids, !options_.dry_run);
    const Selection selection = shared_.step.Select(*txn_, batch, now);
    TestPausePoint("read");
    BatchCounts counts = options_.dry_run ? CountsOf(selection.write) : Write(selection, now);
    if (!options_.dry_run) {
      counts.batch_time_ms = shared_.health.BatchTimeMs(options_.batch_time_ms);
      counts.batch_keys = batch.keys.size();
      counts.batch_ms = std::lround(MsSince(start));
      counts.lock_retries = lock_retries_;
      RecordBatch(runner_.audit_, *txn_, runner_.run_id_, counts);
      TestPausePoint("write");
    }
    Add(counts, selection);
    if (options_.single_transaction) return;
    Commit(batch.keys.size(), start);
    if (Sized()) {
      size_ = NextBatchSize(batch.keys.size(), MsSince(start),
                            shared_.health.BatchTimeMs(options_.batch_time_ms), options_.batch_size);
    }
  }

  // Writes the selected keys and audits what the statements changed; its counts.
  BatchCounts Write(const Selection& selection, const KeyStates& now) {
    const WriteResult written = runner_.store_.Write(*txn_, selection.write, now);
    RecordChanges(runner_.audit_, *txn_, runner_.run_id_, written.changed);
    RecordValues(runner_.audit_, *txn_, runner_.run_id_, written.values);
    return CountsOf(written.changed);
  }

  void Begin() {
    if (options_.dry_run) {
      txn_ = std::make_unique<pqxx::read_transaction>(conn_, "dry_run_batch");
    } else {
      txn_ = std::make_unique<pqxx::work>(conn_, "batch");
    }
    SetLocalTimeouts(*txn_, options_.timeouts);
  }

  void Add(const BatchCounts& counts, const Selection& selection) {
    pending_.Add({1, counts.keys, counts.added, counts.removed, selection.already_done,
                  selection.left_alone.size(), selection.already_done_scopes,
                  selection.left_alone});
    pending_keys_seen_ +=
        selection.write.size() + selection.already_done + selection.left_alone.size();
  }

  // Commits the open transaction and adds what it held to the run's totals; `keys` and
  // `start`: the batch's, for the progress line (0 keys: none shown).
  void Commit(size_t keys = 0, Clock::time_point start = Clock::time_point()) {
    if (!txn_) return;
    txn_->commit();
    txn_.reset();
    lock_retries_ = 0;
    const std::string batch = keys == 0
                                  ? ""
                                  : std::to_string(keys) + (keys == 1 ? " key in " : " keys in ") +
                                        std::to_string(std::lround(MsSince(start))) + "ms";
    std::lock_guard<std::mutex> hold(shared_.mutex);
    shared_.totals.Add(pending_);
    shared_.keys_done += pending_keys_seen_;
    if (keys > 0) EmitCommitted(keys, start);
    pending_ = RunTotals{};
    pending_keys_seen_ = 0;
    shared_.throttle.Committed(Clock::now());
    shared_.progress.Update(shared_.keys_done, true, shared_.totals.batches, batch);
    UpdateMetrics();
  }

  // --log-format json: the batch just committed; under the shared mutex.
  void EmitCommitted(size_t keys, Clock::time_point start) const {
    EmitEvent("batch_committed", {{"batch", batch_number_},
                                  {"keys", keys},
                                  {"keys_changed", pending_.keys},
                                  {"scopes_added", pending_.added},
                                  {"scopes_removed", pending_.removed},
                                  {"duration_ms", std::lround(MsSince(start))},
                                  {"batch_size", size_},
                                  {"keys_done", shared_.keys_done}});
  }

  bool Stopping() {
    std::lock_guard<std::mutex> hold(shared_.mutex);
    return shared_.stop.has_value();
  }

  void Stop(StopReason reason) {
    std::lock_guard<std::mutex> hold(shared_.mutex);
    if (!shared_.stop) shared_.stop = std::move(reason);
  }

  void Tick() {
    std::lock_guard<std::mutex> hold(shared_.mutex);
    shared_.progress.Update(shared_.keys_done);
  }

  void SetNote(const std::string& note) {
    std::lock_guard<std::mutex> hold(shared_.mutex);
    shared_.progress.SetNote(note);
  }

  const BatchRunner& runner_;
  const RunnerOptions& options_;
  Shared& shared_;
  pqxx::connection& conn_;
  std::unique_ptr<pqxx::transaction_base> txn_;  // open across batches only in one transaction
  RunTotals pending_;                            // of the open transaction
  uint64_t pending_keys_seen_ = 0;
  size_t size_ = Sized() ? FirstBatchSize(options_.batch_size) : options_.batch_size;
  std::deque<KeyChange> held_;  // keys of a batch split after lock timeouts, next in turn
  int lock_failures_ = 0;       // lock timeouts in a row of the batch being tried
  int64_t lock_retries_ = 0;    // attempts that timed out since the last commit
  size_t batch_number_ = 0;     // of the batch being run
};

BatchRunner::BatchRunner(pqxx::connection& conn, ConnectionFactory connect, const AuditLog& audit,
                         KeyStore& store, int64_t run_id, RunnerOptions options)
    : conn_(conn),
      connect_(std::move(connect)),
      audit_(audit),
      store_(store),
      run_id_(run_id),
      options_(std::move(options)) {}

BatchRunner::~BatchRunner() = default;

RunEnd BatchRunner::Run(WriteStep& step, uint64_t total_keys) {
  Shared shared(step, *this, options_);
  std::vector<std::unique_ptr<pqxx::connection>> extra;
  std::vector<pqxx::connection*> connections = {&conn_};
  for (int i = 1; i < options_.jobs; ++i) {
    try {
      extra.push_back(connect_());
    } catch (const ToolError& e) {  // Connect()'s, with no password
      // The lease is taken: end the run (failed, with the reason and the resume hint).
      return Finish(step, shared.totals,
                    StopReason{RunStatus::kFailed,
                               RuntimeFailure("job " + std::to_string(i + 1) + " of --jobs " +
                                              std::to_string(options_.jobs) + ": " + e.what())});
    }
    connections.push_back(extra.back().get());
  }
  std::optional<InterruptGuard> interrupt;
  if (!options_.dry_run) interrupt.emplace(connections);
  shared.progress.Start(total_keys);
  shared.metrics.SetKeysPlanned(total_keys);
  shared.metrics.Update(0, 0, 0, 0, shared.health, "running");
  std::vector<Worker> workers;
  workers.reserve(connections.size());
  for (pqxx::connection* conn : connections) workers.emplace_back(*this, shared, *conn);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers.size(); ++i) {
    threads.emplace_back([&workers, i] { workers[i].Loop(); });
  }
  workers[0].Loop();
  for (auto& thread : threads) thread.join();
  shared.progress.Finish();
  interrupt.reset();
  const RunEnd end = Finish(step, shared.totals, shared.stop);
  shared.metrics.Update(shared.keys_done, end.totals.scopes_done(), end.totals.batches, 0,
                        shared.health, ToString(end.status));
  EmitEvent("run_finished", {{"run_id", run_id_},
                             {"status", ToString(end.status)},
                             {"keys_changed", end.totals.keys},
                             {"scopes_added", end.totals.added},
                             {"scopes_removed", end.totals.removed},
                             {"batches", end.totals.batches},
                             {"exit_code", end.error ? end.error->exit_code() : 0}});
  return end;
}

RunEnd BatchRunner::Finish(WriteStep& step, const RunTotals& totals,
                           const std::optional<StopReason>& stop) {
  RunEnd end;
  end.totals = totals;
  end.status = stop ? stop->status : RunStatus::kSucceeded;
  if (stop) end.error = WithAdvice(stop->error, options_.stale_advice, options_.resume_hint);
  if (options_.dry_run) return end;
  try {
    Record(step, end, conn_);
  } catch (const std::exception&) {
    // The connection may be the one that broke: record on a fresh one.
    try {
      Record(step, end, *connect_());
    } catch (const std::exception& e) {
      const std::string what = end.error ? end.error->what() : "every batch committed";
      end.error = ToolError(end.error ? end.error->exit_code() : kExitFailure,
                            what + "; the end of run " + std::to_string(run_id_) +
                                " could not be recorded (" + DbFailure(e, "recording it").what() +
                                "): it stays 'running' until the next run marks it 'interrupted'");
    }
  }
  return end;
}

void BatchRunner::Record(WriteStep& step, const RunEnd& end, pqxx::connection& conn) {
  if (!end.error) {
    step.FinishSucceeded(conn, audit_, run_id_);
  } else {
    FinishRun(audit_, conn, run_id_, end.status, end.error->what());
  }
}

}  // namespace scope_migrate
