// Running one writing command (apply, rollback) over the targets of a fleet (SPEC.md 11.7):
// each target's command runs as a process of its own (this program again, base/
// child_process.h), in the order given, at most `parallel` at a time. Every line a target
// prints reaches stdout or stderr whole, as "NAME | LINE" (with --log-format json, each
// JSON line gains "target":NAME instead). With stop_on_error, a target that ends with an
// exit code other than 0 lets the targets in flight finish and starts no other; the rest
// are "not started". A Ctrl-C (SIGINT) or SIGTERM reaches this process only: it is passed
// on to every target in flight (which finishes its batch, as a single apply does; a second
// one cancels), and no other target starts.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace scope_migrate {

struct TargetOutcome {
  std::string name;
  std::string outcome;  // "succeeded", "done before", "failed: ...", "not started", ...
  int exit_code = 0;
  bool ran = false;  // a process ran, or the target was checked (false: not started)
  std::optional<int64_t> run_id, keys_changed;
};

class ToolError;

// A target that failed before its process ran: "failed: " and the error's first line.
TargetOutcome FailedOutcome(const std::string& name, const ToolError& error);

struct FleetJob {
  std::string name;
  // Before the process: an outcome that ends the target here (done before, unreachable),
  // or nullopt to run `args`.
  std::function<std::optional<TargetOutcome>()> before;
  std::vector<std::string> args;  // the command line after the program's name
  // After the process, with its exit code set: fills the run id, keys and outcome.
  std::function<void(TargetOutcome&)> after;
};

// A target that fails before its process starts (`before`, unreachable) is said on stderr
// as its process would say it ("NAME | scope-migrate: ERROR", or a JSON "error" event
// with "target"), so that every failure reaches stderr.
std::vector<TargetOutcome> RunFleetJobs(const std::vector<FleetJob>& jobs, int parallel,
                                        bool stop_on_error);

// The fleet's command as typed, exported to every target's process (which names it as the
// command that resumes, in place of its own) and printed after a fleet that did not finish.
struct FleetCommand {
  std::string verb;          // "apply", "rollback"
  std::string command_line;  // as typed (passwords masked)
};

// The environment variable through which a target's process learns the fleet's command.
inline constexpr char kFleetCommandVariable[] = "SCOPE_MIGRATE_FLEET_COMMAND";

// RunFleetJobs, then a blank line and the closing table on stdout; with --log-format json
// also a "fleet_finished" event. When a target did not succeed, an error on stderr naming
// those targets and the fleet's command that resumes. The worst exit code.
int RunFleet(const std::vector<FleetJob>& jobs, int parallel, bool stop_on_error,
             const FleetCommand& command);

// The worst of the targets' exit codes (SPEC 12.0):
// 0 < 2 < 3 < 8 < 1 < 4 < 5 < 6 < 7 < 64 < 65 < 130.
int WorstExitCode(const std::vector<int>& codes);

// The closing table: target, outcome, keys changed, run id, exit code.
void PrintOutcomeTable(std::ostream& out, const std::vector<TargetOutcome>& outcomes);

}  // namespace scope_migrate
