// --pause-file: an operator holds a run by creating a file and releases it by removing it.
// The check fails closed: only a path that is certainly absent lets a batch start; one that
// cannot be looked at (permission denied, an I/O error) holds the run like the file itself.
#pragma once

#include <cstdint>
#include <string>

namespace scope_migrate {

constexpr int64_t kPauseFilePollMs = 200;  // how often a held run looks at the file again

// True while `path` holds the run: it exists, or whether it exists cannot be told.
bool PauseFileHolds(const std::string& path);

}  // namespace scope_migrate
