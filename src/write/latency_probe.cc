#include "write/latency_probe.h"

#include <algorithm>
#include <chrono>

#include "base/errors.h"
#include "base/string_lists.h"
#include "base/text_escape.h"
#include "pg/db.h"

namespace scope_migrate {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

void RunOnce(pqxx::connection& conn, const std::string& sql, int64_t timeout_ms) {
  pqxx::read_transaction txn(conn, "latency_probe");
  SetLocalTimeouts(txn, Timeouts{timeout_ms, timeout_ms});
  txn.exec(sql);
  txn.commit();
}

}  // namespace

int64_t ProbeTimeoutMs(int64_t app_latency_ms) {
  return std::max<int64_t>(1000, 20 * app_latency_ms);
}

void CheckProbe(pqxx::connection& conn, const std::string& sql, const std::string& file,
                int64_t app_latency_ms) {
  try {
    RunOnce(conn, sql, ProbeTimeoutMs(app_latency_ms));
  } catch (const std::exception& e) {
    throw UsageError("--probe-sql " + file + ": the statement cannot run as the probe (" +
                     Printable(FirstLine(TrimTrailing(e.what()))) +
                     "); it must be one read-only statement this role may run. Nothing was "
                     "written");
  }
}

LatencyProbe::LatencyProbe(Connect connect, std::string sql, int64_t app_latency_ms)
    : connect_(std::move(connect)),
      sql_(std::move(sql)),
      timeout_ms_(ProbeTimeoutMs(app_latency_ms)) {
  Sample();
  thread_ = std::thread([this] { Loop(); });
}

LatencyProbe::~LatencyProbe() {
  {
    std::lock_guard<std::mutex> hold(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LatencyProbe::Loop() {
  std::unique_lock<std::mutex> hold(mutex_);
  while (!stop_) {
    hold.unlock();
    const Clock::time_point next = Clock::now() + std::chrono::milliseconds(kProbeEveryMs);
    Sample();
    hold.lock();
    wake_.wait_until(hold, next, [this] { return stop_; });
  }
}

void LatencyProbe::Sample() {
  const Clock::time_point start = Clock::now();
  std::string error;
  try {
    if (!conn_) conn_ = connect_();
    RunOnce(*conn_, sql_, timeout_ms_);
  } catch (const std::exception& e) {
    error = Printable(FirstLine(TrimTrailing(e.what())));
    conn_.reset();  // opened again at the next run
  }
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (!error.empty()) ms = std::max(ms, static_cast<double>(timeout_ms_));
  std::lock_guard<std::mutex> hold(mutex_);
  window_.Add(NowMs(), ms);
  last_error_ = error;
}

double LatencyProbe::P99Ms() const {
  std::lock_guard<std::mutex> hold(mutex_);
  return window_.P99(NowMs());
}

std::string LatencyProbe::last_error() const {
  std::lock_guard<std::mutex> hold(mutex_);
  return last_error_;
}

}  // namespace scope_migrate
