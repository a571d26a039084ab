#include "base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>

#include "base/errors.h"

namespace scope_migrate {
namespace {

ToolError Failed(const std::string& target, const std::string& what) {
  return RuntimeFailure("cannot write " + target + ": " + what + ": " + std::strerror(errno));
}

std::string RandomSuffix() {
  static const char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device device;
  std::string suffix;
  for (int i = 0; i < 8; ++i) suffix += kDigits[device() % (sizeof kDigits - 1)];
  return suffix;
}

}  // namespace

AtomicFile::AtomicFile(const std::string& target, mode_t mode) : target_(target) {
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp_path_ = target + ".partial-" + RandomSuffix();
    fd = open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) {
    const std::string tried = temp_path_;
    temp_path_.clear();
    throw Failed(target, "cannot create " + tried);
  }
  file_ = fchmod(fd, mode) == 0 ? fdopen(fd, "wb") : nullptr;  // the mode, whatever the umask
  if (file_ == nullptr) {
    close(fd);
    unlink(temp_path_.c_str());
    temp_path_.clear();
    throw Failed(target, "fdopen");
  }
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_ && !temp_path_.empty()) unlink(temp_path_.c_str());
}

std::FILE* AtomicFile::TakeFile() {
  std::FILE* file = file_;
  file_ = nullptr;
  return file;
}

void AtomicFile::Commit(bool durable) {
  if (file_ != nullptr) {
    std::FILE* file = TakeFile();
    const bool synced = std::fflush(file) == 0 && (!durable || fsync(fileno(file)) == 0);
    if (std::fclose(file) != 0 || !synced) throw Failed(target_, "write " + temp_path_);
  }
  if (std::rename(temp_path_.c_str(), target_.c_str()) != 0) throw Failed(target_, "rename");
  committed_ = true;
}

std::string ReplaceFile(const std::string& path, const std::string& content, mode_t mode,
                        bool durable) {
  try {
    AtomicFile file(path, mode);
    std::FILE* out = file.TakeFile();
    const bool written = std::fwrite(content.data(), 1, content.size(), out) == content.size() &&
                         (!durable || (std::fflush(out) == 0 && fsync(fileno(out)) == 0));
    if (std::fclose(out) != 0 || !written) {
      return "cannot write " + file.temp_path() + ": " + std::strerror(errno);
    }
    file.Commit(/*durable=*/false);
    return "";
  } catch (const ToolError& e) {
    return e.what();
  }
}

std::string TemporaryDirectory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

std::FILE* UnlinkedTempFile(const std::string& purpose) {
  const std::string dir = TemporaryDirectory();
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
      const std::string path = dir + "/scope-migrate-" + RandomSuffix();
      fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd >= 0) unlink(path.c_str());
      if (fd < 0 && errno != EEXIST) break;
    }
  }
  std::FILE* file = fd < 0 ? nullptr : fdopen(fd, "w+b");
  if (file == nullptr) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    throw RuntimeFailure("cannot create a temporary file for " + purpose + " in " + dir +
                         (std::getenv("TMPDIR") != nullptr ? " ($TMPDIR)" : "") + ": " + why);
  }
  return file;
}

}  // namespace scope_migrate
