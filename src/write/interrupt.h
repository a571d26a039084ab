// Clean interruption of apply and rollback. While an InterruptGuard lives, SIGINT and
// SIGTERM do not kill the process: the first asks the run to stop after the batch in
// flight (which commits or rolls back whole); the second cancels the statements in flight
// on every connection of the run, so their batches roll back at once, still whole.
// Requested() is polled between batches and during pauses. The first signal is answered
// at once on stderr by the watching thread (what is being finished, and that a second
// signal cancels), even while a batch waits for a lock.
#pragma once

#include <pqxx/pqxx>
#include <thread>
#include <vector>

namespace scope_migrate {

class InterruptGuard {
 public:
  explicit InterruptGuard(std::vector<pqxx::connection*> connections);
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  static bool Requested();
  static const char* SignalName();  // "SIGINT" or "SIGTERM"
  // Sleeps up to `ms`, returning early (false) when an interruption is requested.
  static bool SleepUnlessInterrupted(int64_t ms);

 private:
  void Watch();
  std::vector<pqxx::connection*> connections_;
  std::thread watcher_;
};

}  // namespace scope_migrate
