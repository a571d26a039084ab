// Replacing a small file atomically, for files other programs read while the tool runs
// (--metrics-file): the content goes to a new temporary file in the same directory,
// created exclusively (O_EXCL, never through a symlink or onto an existing name) with the
// given mode, then renamed over the path. A reader sees the old file or the new one,
// never a half-written one.
#pragma once

#include <sys/types.h>

#include <string>

namespace scope_migrate {

// "" on success, else why not (the temporary file is removed).
std::string ReplaceFile(const std::string& path, const std::string& content, mode_t mode);

}  // namespace scope_migrate
