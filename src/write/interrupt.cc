#include "write/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>

#include "base/event_log.h"

namespace scope_migrate {
namespace {

std::atomic<int> g_signals{0};
std::atomic<int> g_last_signal{0};
int g_pipe[2] = {-1, -1};
struct sigaction g_old_int, g_old_term;

void OnSignal(int signal_number) {
  g_last_signal = signal_number;
  g_signals.fetch_add(1);
  const char byte = 's';
  if (g_pipe[1] >= 0) (void)!write(g_pipe[1], &byte, 1);
}

}  // namespace

InterruptGuard::InterruptGuard(std::vector<pqxx::connection*> connections)
    : connections_(std::move(connections)) {
  g_signals = 0;
  if (pipe(g_pipe) != 0) g_pipe[0] = g_pipe[1] = -1;
  struct sigaction action = {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &g_old_int);
  sigaction(SIGTERM, &action, &g_old_term);
  if (g_pipe[0] >= 0) watcher_ = std::thread([this] { Watch(); });
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  if (watcher_.joinable()) {
    const char quit = 'q';
    (void)!write(g_pipe[1], &quit, 1);
    watcher_.join();
  }
  for (int& fd : g_pipe) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
}

void InterruptGuard::Watch() {
  char byte = 0;
  bool told = false;
  while (read(g_pipe[0], &byte, 1) == 1 && byte != 'q') {
    if (!told) {
      // Said at once, here and not in the handler: a batch may wait long for a lock before
      // the run gets to say anything.
      told = true;
      const std::string said =
          "finishing the batch in flight (it commits or rolls back whole), then stopping; a "
          "second SIGINT or SIGTERM (Ctrl-C) cancels it now";
      const std::string line = std::string("scope-migrate: ") + SignalName() + ": " + said + "\n";
      if (JsonLog()) {
        EmitEvent("signal", {{"signal", SignalName()}, {"message", said}});
      } else {
        (void)!write(STDERR_FILENO, line.data(), line.size());
      }
    }
    if (g_signals.load() >= 2) {
      // libpq's cancel request only reads the backend's pid and key, which do not change
      // while a worker waits for its statement.
      for (pqxx::connection* conn : connections_) {
        try {
          conn->cancel_query();
        } catch (const std::exception& e) {
          const std::string line =
              std::string("scope-migrate: could not cancel a statement: ") + e.what() + "\n";
          if (JsonLog()) {
            Note(std::string("could not cancel a statement: ") + e.what());
          } else {
            (void)!write(STDERR_FILENO, line.data(), line.size());
          }
        }
      }
    }
  }
}

bool InterruptGuard::Requested() { return g_signals.load() > 0; }

const char* InterruptGuard::SignalName() {
  return g_last_signal.load() == SIGTERM ? "SIGTERM" : "SIGINT";
}

bool InterruptGuard::SleepUnlessInterrupted(int64_t ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (Requested()) return false;
    const auto left = until - std::chrono::steady_clock::now();
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(20)));
  }
  return !Requested();
}

}  // namespace scope_migrate
