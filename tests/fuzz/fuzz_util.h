// Helpers shared by the fuzz entries (fuzz_targets.h): the input as a string or as a file,
// and a check that aborts with a reason when an invariant breaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace scope_migrate::fuzz {

inline std::string AsString(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// A private directory of this process, made on first use and removed at exit.
const std::string& ScratchDir();

// Writes `bytes` to ScratchDir()/name (replacing it) and returns the path.
std::string WriteScratch(const std::string& name, const std::string& bytes);

// Aborts with `what` and the input (printable) on stderr unless `ok`.
void Check(bool ok, const char* what, const std::string& input);

}  // namespace scope_migrate::fuzz
