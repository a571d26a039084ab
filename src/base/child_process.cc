#include "base/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "base/errors.h"

namespace scope_migrate {
namespace {

// In the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(const std::vector<char*>& args, int out_fd, int err_fd, pid_t parent) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the parent died before prctl
  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) {
    _exit(127);
  }
  // Signals the parent ignores or blocks would be inherited: the child starts clean.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  execv(args[0], args.data());
  _exit(127);
}

// Hands each complete line in `pending` to `handler`, keeping the rest.
void DrainLines(std::string& pending, const LineHandler& handler) {
  size_t start = 0;
  for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
    handler(pending.substr(start, nl - start));
  }
  pending.erase(0, start);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  if (argv.empty()) throw RuntimeFailure("no program to run");
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw RuntimeFailure("cannot create a pipe for " + argv[0]);
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    throw RuntimeFailure("cannot create a pipe for " + argv[0]);
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) ExecChild(args, out[1], err[1], parent);
  close(out[1]);
  close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
  if (pid_ < 0) {
    close(out_fd_);
    close(err_fd_);
    throw RuntimeFailure("cannot start " + argv[0] + ": " + std::strerror(errno));
  }
}

ChildProcess::~ChildProcess() {
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int ChildProcess::Wait(const LineHandler& on_stdout, const LineHandler& on_stderr) {
  std::string pending[2];
  const LineHandler* handlers[2] = {&on_stdout, &on_stderr};
  int* fds[2] = {&out_fd_, &err_fd_};
  while (out_fd_ >= 0 || err_fd_ >= 0) {
    pollfd polls[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (poll(polls, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (*fds[i] < 0 || polls[i].revents == 0) continue;
      char buffer[65536];
      const ssize_t n = read(*fds[i], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(*fds[i]);
        *fds[i] = -1;
        if (!pending[i].empty()) (*handlers[i])(pending[i]);
        pending[i].clear();
        continue;
      }
      pending[i].append(buffer, static_cast<size_t>(n));
      DrainLines(pending[i], *handlers[i]);
    }
  }
  // Waited for without reaping, then reaped under the lock Signal() takes.
  siginfo_t info{};
  while (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  int status = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

void ChildProcess::Signal(int signal) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pid_ > 0) kill(pid_, signal);
}

std::string SelfExecutable() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw RuntimeFailure("cannot find this program's executable (/proc/self/exe)");
  return std::string(path, static_cast<size_t>(n));
}

}  // namespace scope_migrate
