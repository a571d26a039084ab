#include "base/pause_file.h"

#include <sys/stat.h>

#include <cerrno>

namespace scope_migrate {

bool PauseFileHolds(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) == 0) return true;
  return errno != ENOENT && errno != ENOTDIR;
}

}  // namespace scope_migrate
