#include "base/replace_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace scope_migrate {
namespace {

std::atomic<unsigned> counter{0};

// PATH's directory and a name there no one else uses: ".NAME.tmp.PID.N".
std::string TempName(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return dir + "." + name + ".tmp." + std::to_string(getpid()) + "." + std::to_string(++counter);
}

}  // namespace

std::string ReplaceFile(const std::string& path, const std::string& content, mode_t mode) {
  const std::string temp = TempName(path);
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return "cannot create " + temp + ": " + std::strerror(errno);
  std::string error;
  if (fchmod(fd, mode) != 0) error = std::string("cannot set its mode: ") + std::strerror(errno);
  for (size_t done = 0; error.empty() && done < content.size();) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) error = "cannot write " + temp + ": " + std::strerror(errno);
    if (n > 0) done += static_cast<size_t>(n);
  }
  if (close(fd) != 0 && error.empty()) error = "cannot write " + temp + ": " + std::strerror(errno);
  if (error.empty() && std::rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot rename " + temp + " to " + path + ": " + std::strerror(errno);
  }
  if (!error.empty()) unlink(temp.c_str());
  return error;
}

}  // namespace scope_migrate
