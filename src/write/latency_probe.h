// The application's latency as the tool sees it (SPEC 12.6, --probe-sql FILE): a read-only
// statement the application runs (its key lookup, say), timed every kProbeEveryMs on a
// connection of the probe's own, in a thread of its own, into a LatencyWindow
// (core/app_latency.h). Each run is a read-only transaction of its own with a statement
// timeout, so a probe never holds anything the application waits on, and nothing outlives
// it (poolers).
//
// The probe fails closed: a run that fails (a lost connection, a timeout) counts as a
// sample as long as it took or its timeout, whichever is longer, and its message is kept
// for the throttle's line; the connection is opened again at the next run. CheckProbe runs
// the statement once before a run starts, so a statement that cannot run (a typo, a
// write, a missing grant) refuses the run (64) before anything is written.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "core/app_latency.h"

namespace scope_migrate {

// The statement timeout of one probe run: 20 times the bound, at least 1 s.
int64_t ProbeTimeoutMs(int64_t app_latency_ms);

// Runs `sql` once, read-only; throws UsageError naming `file` when it cannot.
void CheckProbe(pqxx::connection& conn, const std::string& sql, const std::string& file,
                int64_t app_latency_ms);

class LatencyProbe {
 public:
  using Connect = std::function<std::unique_ptr<pqxx::connection>()>;

  // Starts timing at once (the first sample is taken before the constructor returns).
  LatencyProbe(Connect connect, std::string sql, int64_t app_latency_ms);
  ~LatencyProbe();  // stops the thread
  LatencyProbe(const LatencyProbe&) = delete;
  LatencyProbe& operator=(const LatencyProbe&) = delete;

  double P99Ms() const;            // over the last kLatencyWindowMs; -1 without samples
  std::string last_error() const;  // of the last run ("" when it ran)

 private:
  void Loop();
  void Sample();

  Connect connect_;
  const std::string sql_;
  const int64_t timeout_ms_;
  std::unique_ptr<pqxx::connection> conn_;  // the probe thread's only

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  bool stop_ = false;
  LatencyWindow window_;
  std::string last_error_;

  std::thread thread_;  // last: started once everything above exists
};

}  // namespace scope_migrate
