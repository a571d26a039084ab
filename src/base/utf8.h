// UTF-8 validation for input taken at the boundary (command-line flags, YAML files): text
// that is not valid UTF-8 is refused where it enters, instead of failing later inside the
// JSON writer. Valid means RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF, no truncated sequence.
#pragma once

#include <cstddef>
#include <string>

namespace scope_migrate {

// The byte offset of the first byte that does not start a valid UTF-8 sequence, or
// std::string::npos when all of `text` is valid.
size_t InvalidUtf8Offset(const std::string& text);

inline bool IsValidUtf8(const std::string& text) {
  return InvalidUtf8Offset(text) == std::string::npos;
}

}  // namespace scope_migrate
