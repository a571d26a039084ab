// The name of a fleet target (SPEC.md 11.7): 1 to 63 characters of a-z, 0-9 and "-". A
// name becomes a file name (DIR/NAME.jsonl) and a label on every line of a fleet's output,
// so nothing else is allowed: no "/", no "..", no space, no control character.
#pragma once

#include <string>

namespace scope_migrate {

inline constexpr size_t kMaxTargetName = 63;

inline bool IsTargetName(const std::string& name) {
  if (name.empty() || name.size() > kMaxTargetName) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace scope_migrate
