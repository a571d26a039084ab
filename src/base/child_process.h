// Running another program as a child process with its output read line by line: the fleet
// commands run one `scope-migrate apply` (or rollback) per target this way, so each target
// has its own process (its own signal handling, connections, progress and exit code) and
// its lines reach the user whole, labelled with the target.
//
// The child runs in a process group of its own, so a Ctrl-C at the terminal reaches the
// parent only, which decides what to pass on (Signal()); it dies with the parent (Linux's
// PR_SET_PDEATHSIG with SIGKILL), so a parent killed with kill -9 leaves no child writing
// on. stdin is /dev/null. Every complete line of stdout and of stderr is handed to its
// callback (without the newline; a last line without one is handed over at the end) on the
// thread that calls Wait(). Failures to start it throw ToolError(1).
#pragma once

#include <sys/types.h>

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace scope_migrate {

using LineHandler = std::function<void(const std::string& line)>;

class ChildProcess {
 public:
  // Starts argv[0] (a path; not looked up in PATH) with the arguments argv[1..].
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();  // kills (SIGKILL) and reaps a child not yet waited for
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads both outputs to their end, then reaps the child: its exit code, or 128 + the
  // signal that ended it.
  int Wait(const LineHandler& on_stdout, const LineHandler& on_stderr);

  // Sends `signal` to the child (nothing once it was reaped); safe from another thread
  // while Wait() runs.
  void Signal(int signal);

 private:
  std::mutex mutex_;  // guards pid_ against a reap between Signal's check and its kill
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
};

// This program's own executable (/proc/self/exe resolved), to run it again as a child.
std::string SelfExecutable();

}  // namespace scope_migrate
