// Durations on the command line: "500ms", "5s", "2min", "1h" (or "0"). Used by
// --lock-timeout, --statement-timeout and --pause.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace scope_migrate {

// Milliseconds, or nullopt when `text` is not a duration.
std::optional<int64_t> ParseDurationMs(const std::string& text);

}  // namespace scope_migrate
