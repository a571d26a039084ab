// A file the tool writes for the user (`plan --out`, `--metrics-file`), written so that no
// one can redirect or read it on the way: the bytes go to a new temporary file in the
// target's directory, created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, the given
// mode, 0600 unless said otherwise, whatever the umask; a random name
// "TARGET.partial-XXXXXXXX" tried until one is free), so a symlink or file planted at any
// name is never followed, truncated or reused; Commit() flushes it to disk (fsync) and
// renames it over the target, which then has that mode whatever was there before. A reader
// sees the old file or the new one, never a half-written one. Until Commit() succeeds the
// target is untouched, and the destructor removes the temporary. Failures throw
// ToolError(1) naming the target.
//
// Private scratch files (the verified copy of a plan, apply --mapping's plan) go to
// TemporaryDirectory(): $TMPDIR when it is set and not empty, else /tmp.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>

namespace scope_migrate {

class AtomicFile {
 public:
  explicit AtomicFile(const std::string& target, mode_t mode = 0600);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& target() const { return target_; }
  const std::string& temp_path() const { return temp_path_; }

  // The open temporary, once, for a caller that writes, syncs (fsync: the data reaches the
  // disk before the name does) and closes it itself before Commit().
  std::FILE* TakeFile();
  // Flushes, syncs (unless !durable: a file rewritten often whose loss in a crash does not
  // matter) and closes the temporary if it was not taken, then renames it over the target.
  void Commit(bool durable = true);

 private:
  std::string target_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;  // until taken
  bool committed_ = false;
};

// Replaces `path` with `content` through an AtomicFile of `mode`; "" on success, else why
// not. Without fsync unless `durable` (a file other programs read while the tool runs,
// rewritten after every batch, need not reach the disk each time; a fleet's index must).
std::string ReplaceFile(const std::string& path, const std::string& content, mode_t mode,
                        bool durable = false);

// $TMPDIR when set and not empty, else "/tmp".
std::string TemporaryDirectory();

// A new file in TemporaryDirectory() that no other process can open: created with
// O_TMPFILE (never named) or, where the file system lacks it, under a random name,
// exclusively with mode 0600, and unlinked at once. Open for reading and writing; it
// vanishes when closed. ToolError(1) naming the directory and `purpose` on failure.
std::FILE* UnlinkedTempFile(const std::string& purpose);

}  // namespace scope_migrate
