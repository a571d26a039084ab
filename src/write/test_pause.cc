#include "write/test_pause.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

namespace scope_migrate {

void TestPausePoint(const char* name) {
  static const char* const dir = std::getenv("SCOPE_MIGRATE_TEST_PAUSE_DIR");
  if (dir == nullptr || *dir == '\0') return;
  const std::string gate = std::string(dir) + "/" + name;
  if (access(gate.c_str(), F_OK) != 0) return;
  std::ofstream(gate + ".reached").put('\n');
  while (access(gate.c_str(), F_OK) == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace scope_migrate
