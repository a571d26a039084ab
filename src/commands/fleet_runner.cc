#include "commands/fleet_runner.h"

#include <pthread.h>
#include <stdlib.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "base/child_process.h"
#include "base/errors.h"
#include "base/event_log.h"
#include "base/string_lists.h"

namespace scope_migrate {

TargetOutcome FailedOutcome(const std::string& name, const ToolError& error) {
  return {name, "failed: " + FirstLine(error.what()), error.exit_code(), true, std::nullopt,
          std::nullopt};
}
namespace {

// What the targets' processes print, passed on whole line by line.
class Relay {
 public:
  void Line(const std::string& name, const std::string& line, std::ostream& out) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (JsonLog() && &out == &std::cerr && line.size() > 1 && line.front() == '{') {
      out << "{\"target\":\"" << name << "\"," << line.substr(1) << "\n";
    } else {
      out << name << " | " << line << "\n";
    }
    out.flush();
  }

 private:
  std::mutex mutex_;
};

// The processes in flight, for the signal watcher to pass a signal on.
class InFlight {
 public:
  void Add(ChildProcess* child) {
    std::lock_guard<std::mutex> lock(mutex_);
    children_.push_back(child);
  }
  void Remove(ChildProcess* child) {
    std::lock_guard<std::mutex> lock(mutex_);
    children_.erase(std::remove(children_.begin(), children_.end(), child), children_.end());
  }
  void Signal(int signal) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (ChildProcess* child : children_) child->Signal(signal);
  }

 private:
  std::mutex mutex_;
  std::vector<ChildProcess*> children_;
};

struct FleetState {
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};         // no new target starts
  std::atomic<bool> interrupted{false};  // by a signal
  std::atomic<bool> done{false};
  Relay relay;
  InFlight in_flight;
};

// A failure of the fleet's own on a target's behalf, said as the target's process says one.
void SayFailure(FleetState& state, const std::string& name, int exit_code,
                const std::string& message) {
  if (JsonLog()) {
    const nlohmann::json event = {
        {"event", "error"}, {"exit_code", exit_code}, {"message", message}};
    state.relay.Line(name, event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                     std::cerr);
    return;
  }
  std::istringstream lines("scope-migrate: " + message);
  for (std::string line; std::getline(lines, line);) state.relay.Line(name, line, std::cerr);
}

TargetOutcome RunOne(const FleetJob& job, FleetState& state, const std::string& program) {
  TargetOutcome outcome{job.name, "", 0, true, std::nullopt, std::nullopt};
  if (job.before) {
    if (auto early = job.before()) {
      if (early->exit_code != 0) {
        const std::string failed = "failed: ";
        std::string message = early->outcome;
        if (message.rfind(failed, 0) == 0) message.erase(0, failed.size());
        SayFailure(state, job.name, early->exit_code, message);
      }
      return *early;
    }
  }
  std::vector<std::string> argv = {program};
  argv.insert(argv.end(), job.args.begin(), job.args.end());
  std::string last_error;  // the last line on stderr: the error a failed run ended with
  try {
    ChildProcess child(argv);
    state.in_flight.Add(&child);
    outcome.exit_code = child.Wait(
        [&](const std::string& line) { state.relay.Line(job.name, line, std::cout); },
        [&](const std::string& line) {
          state.relay.Line(job.name, line, std::cerr);
          // The error a process ends with; not the "see `scope-migrate ... --help`" after it.
          if (last_error.rfind("scope-migrate: ", 0) != 0 || line.rfind("scope-migrate: ", 0) == 0)
            if (!line.empty()) last_error = line;
        });
    state.in_flight.Remove(&child);
  } catch (const std::exception& e) {
    outcome.exit_code = 1;
    outcome.outcome = std::string("failed: ") + e.what();
    SayFailure(state, job.name, outcome.exit_code, e.what());
    return outcome;
  }
  const std::string prefix = "scope-migrate: ";
  if (last_error.rfind(prefix, 0) == 0) last_error.erase(0, prefix.size());
  outcome.outcome = outcome.exit_code == 0 ? "succeeded" : "failed: " + last_error;
  if (job.after) job.after(outcome);
  return outcome;
}

void Work(const std::vector<FleetJob>& jobs, std::vector<TargetOutcome>& outcomes,
          FleetState& state, bool stop_on_error, const std::string& program) {
  for (size_t i; (i = state.next++) < jobs.size();) {
    if (state.stop) {
      outcomes[i] = {jobs[i].name, "not started", 0, false, std::nullopt, std::nullopt};
      continue;
    }
    outcomes[i] = RunOne(jobs[i], state, program);
    if (outcomes[i].exit_code != 0 && stop_on_error) state.stop = true;
  }
}

// Waits for SIGINT/SIGTERM (blocked in every thread of the fleet) until the fleet is done.
void WatchSignals(FleetState& state) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  const timespec tick{0, 100 * 1000 * 1000};
  while (!state.done) {
    const int signal = sigtimedwait(&set, nullptr, &tick);
    if (signal <= 0) continue;
    if (!state.interrupted.exchange(true)) {
      Note(std::string(signal == SIGINT ? "SIGINT" : "SIGTERM") +
           ": no other target starts; passed on to the targets in flight, which stop after "
           "their batch (a second signal cancels it)");
    }
    state.stop = true;
    state.in_flight.Signal(signal);
  }
}

int Rank(int code) {
  static const int kOrder[] = {0, 2, 3, 8, 1, 4, 5, 6, 7, 64, 65, 130};
  const auto at = std::find(std::begin(kOrder), std::end(kOrder), code);
  return at == std::end(kOrder) ? 3 : static_cast<int>(at - std::begin(kOrder));
}

}  // namespace

std::vector<TargetOutcome> RunFleetJobs(const std::vector<FleetJob>& jobs, int parallel,
                                        bool stop_on_error) {
  const std::string program = SelfExecutable();
  std::vector<TargetOutcome> outcomes(jobs.size());
  FleetState state;
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  std::thread watcher(WatchSignals, std::ref(state));
  std::vector<std::thread> workers;
  const size_t count = std::min<size_t>(std::max(parallel, 1), std::max<size_t>(jobs.size(), 1));
  for (size_t i = 0; i < count; ++i) {
    workers.emplace_back(Work, std::cref(jobs), std::ref(outcomes), std::ref(state), stop_on_error,
                         std::cref(program));
  }
  for (std::thread& worker : workers) worker.join();
  state.done = true;
  watcher.join();
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (state.interrupted) {
    for (TargetOutcome& o : outcomes) {
      if (!o.ran) o.exit_code = 130;
    }
  }
  return outcomes;
}

int WorstExitCode(const std::vector<int>& codes) {
  int worst = 0;
  for (int code : codes) {
    if (Rank(code) > Rank(worst)) worst = code;
  }
  return worst;
}

void PrintOutcomeTable(std::ostream& out, const std::vector<TargetOutcome>& outcomes) {
  size_t width = 8;
  for (const TargetOutcome& o : outcomes) width = std::max(width, o.name.size() + 2);
  out << std::left << std::setw(static_cast<int>(width)) << "target" << std::setw(6) << "exit"
      << std::setw(7) << "run" << std::setw(14) << "keys changed"
      << "outcome\n";
  for (const TargetOutcome& o : outcomes) {
    out << std::left << std::setw(static_cast<int>(width)) << o.name << std::setw(6)
        << (o.ran || o.exit_code != 0 ? std::to_string(o.exit_code) : "-") << std::setw(7)
        << (o.run_id ? std::to_string(*o.run_id) : "-") << std::setw(14)
        << (o.keys_changed ? std::to_string(*o.keys_changed) : "-") << o.outcome << "\n";
  }
}

namespace {

void EmitFleetFinished(const std::vector<TargetOutcome>& outcomes, int worst) {
  nlohmann::json targets = nlohmann::json::array();
  for (const TargetOutcome& o : outcomes) {
    targets.push_back({{"target", o.name},
                       {"exit_code", o.exit_code},
                       {"outcome", o.outcome},
                       {"run_id", o.run_id ? nlohmann::json(*o.run_id) : nlohmann::json()},
                       {"keys_changed", o.keys_changed ? nlohmann::json(*o.keys_changed)
                                                       : nlohmann::json()}});
  }
  EmitEvent("fleet_finished", {{"exit_code", worst}, {"targets", targets}});
}

// The targets that did not end well, the worst code, and the fleet's command again.
void SayUnfinished(const std::vector<TargetOutcome>& outcomes, int worst,
                   const FleetCommand& command) {
  std::string names;
  size_t count = 0;
  for (const TargetOutcome& o : outcomes) {
    if (o.exit_code == 0 && o.ran) continue;
    const std::string how = o.exit_code != 0 ? std::to_string(o.exit_code) : "not started";
    names += (names.empty() ? "" : ", ") + o.name + " (" + how + ")";
    ++count;
  }
  if (count == 0) return;
  // Exit 0 with targets not started cannot happen (they follow a failure or a signal).
  ReportError(worst, "fleet " + command.verb + ": " + std::to_string(count) + " of " +
                         CountOf(outcomes.size(), "target") + " did not succeed: " + names +
                         ". Resume the fleet with: " + command.command_line);
}

}  // namespace

int RunFleet(const std::vector<FleetJob>& jobs, int parallel, bool stop_on_error,
             const FleetCommand& command) {
  setenv(kFleetCommandVariable, command.command_line.c_str(), 1);
  const std::vector<TargetOutcome> outcomes = RunFleetJobs(jobs, parallel, stop_on_error);
  unsetenv(kFleetCommandVariable);
  std::cout << "\n";
  PrintOutcomeTable(std::cout, outcomes);
  std::cout.flush();
  std::vector<int> codes;
  for (const TargetOutcome& o : outcomes) codes.push_back(o.exit_code);
  const int worst = WorstExitCode(codes);
  EmitFleetFinished(outcomes, worst);
  SayUnfinished(outcomes, worst, command);
  return worst;
}

}  // namespace scope_migrate
