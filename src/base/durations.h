// Durations on the command line: "500ms", "5s", "2min", "1h", "90d" (or "0"). Used by
// --lock-timeout, --statement-timeout, --pause and the other duration flags. Byte sizes
// too: "512MB", "1GiB", "64kB", "1048576" (plain bytes); the units are powers of 1024 as
// in PostgreSQL's settings (kB = KiB = 1024, MB = MiB, GB = GiB, TB = TiB; "B" is bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace scope_migrate {

// Milliseconds, or nullopt when `text` is not a duration.
std::optional<int64_t> ParseDurationMs(const std::string& text);

// Bytes, or nullopt when `text` is not a size (or is over 2^62 bytes).
std::optional<int64_t> ParseByteSize(const std::string& text);

}  // namespace scope_migrate
