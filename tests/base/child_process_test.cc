// A child process read line by line (no database): both outputs whole and apart, the exit
// code, death by a signal, and a signal passed on from another thread.
#include "base/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

namespace scope_migrate {
namespace {

TEST(ChildProcessTest, HandsOverEachLineOfBothOutputsAndTheExitCode) {
  ChildProcess child({"/bin/sh", "-c", "echo one; echo err >&2; printf 'two\\nlast'; exit 3"});
  std::vector<std::string> out, err;
  const int code = child.Wait([&](const std::string& l) { out.push_back(l); },
                              [&](const std::string& l) { err.push_back(l); });
  EXPECT_EQ(code, 3);
  EXPECT_EQ(out, (std::vector<std::string>{"one", "two", "last"}));
  EXPECT_EQ(err, (std::vector<std::string>{"err"}));
}

TEST(ChildProcessTest, ReportsDeathByASignalAs128PlusIt) {
  ChildProcess child({"/bin/sh", "-c", "kill -9 $$"});
  EXPECT_EQ(child.Wait([](const std::string&) {}, [](const std::string&) {}), 128 + SIGKILL);
}

TEST(ChildProcessTest, PassesASignalOnFromAnotherThreadWithStdinClosed) {
  // `read` returns at once on /dev/null; the trap answers SIGINT with exit 42.
  ChildProcess child(
      {"/bin/sh", "-c", "read x; trap 'exit 42' INT; echo ready; while :; do sleep 0.05; done"});
  std::thread signaller;
  const int code = child.Wait(
      [&](const std::string& line) {
        if (line == "ready") signaller = std::thread([&] { child.Signal(SIGINT); });
      },
      [](const std::string&) {});
  signaller.join();
  EXPECT_EQ(code, 42);
}

TEST(ChildProcessTest, AProgramThatCannotRunExits127) {
  ChildProcess child({"/nonexistent/program"});
  EXPECT_EQ(child.Wait([](const std::string&) {}, [](const std::string&) {}), 127);
}

}  // namespace
}  // namespace scope_migrate
