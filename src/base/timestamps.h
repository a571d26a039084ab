// RFC 3339 instants as the tool uses them: parsed into microseconds since the Unix epoch
// (UTC) and printed back in UTC with a "Z". An instant without an explicit offset ("Z" or
// "+01:00") is rejected, because a cutoff in an unknown time zone is a silent hour's error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace scope_migrate {

using Instant = int64_t;  // microseconds since 1970-01-01T00:00:00Z

// Returns nullopt when `text` is not "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)", or is
// one whose UTC form falls outside the years 0001 to 9999 ("0000-…" or
// "9999-12-31T23:59:59-23:59"), which FormatUtc could not print back as RFC 3339 and
// PostgreSQL reads differently (year 0 is 1 BC).
std::optional<Instant> ParseRfc3339(const std::string& text);

// Whether ParseRfc3339 refused `text` only for its UTC year: callers then say
// kOutsideYears instead of "not an RFC 3339 instant".
bool OutsideYears(const std::string& text);
inline constexpr char kOutsideYears[] = "is outside the years 0001 to 9999 once in UTC";

// "2026-03-22T23:00:00Z", with a fraction only when it is not zero.
std::string FormatUtc(Instant instant);

// PostgreSQL's `extract(epoch FROM timestamptz)` as text ("1735689600.123456", "-86400",
// "Infinity", "-Infinity") to an exact instant; the infinities, and the instants past
// the Instant's range (years beyond 294247, which PostgreSQL stores), become the largest
// and smallest instants. Nullopt when `text` is not such a number.
std::optional<Instant> ParseEpochSeconds(const std::string& text);

}  // namespace scope_migrate
