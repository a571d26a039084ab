// Clean interruption of apply and rollback. While an InterruptGuard lives, SIGINT and
// SIGTERM do not kill the process: the first asks the run to stop after the batch in
// flight (which commits or rolls back whole); the second cancels the statement in flight
// on the server, so the batch rolls back at once, still whole. Requested() is polled
// between batches and during pauses.
#pragma once

#include <pqxx/pqxx>
#include <thread>

namespace scope_migrate {

class InterruptGuard {
 public:
  explicit InterruptGuard(pqxx::connection& conn);
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  static bool Requested();
  static const char* SignalName();  // "SIGINT" or "SIGTERM"
  // Sleeps up to `ms`, returning early (false) when an interruption is requested.
  static bool SleepUnlessInterrupted(int64_t ms);

 private:
  void Watch();
  pqxx::connection& conn_;
  std::thread watcher_;
};

}  // namespace scope_migrate
