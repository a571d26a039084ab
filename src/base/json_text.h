// Small helpers for writing JSON by hand on the hot path (one line per key), where
// building a nlohmann::json object per key would cost more than the database read; and the
// nesting bound every reader of a whole JSON document checks before it parses one.
#pragma once

#include <string>
#include <vector>

namespace scope_migrate {

// Appends `value` as a JSON string literal (quotes included). UTF-8 passes through.
void AppendJsonString(std::string& out, const std::string& value);
void AppendJsonStringArray(std::string& out, const std::vector<std::string>& values);

// How deep arrays and objects may nest in a JSON document we read whole (a parser and the
// tree it builds recurse per level: 100,000 levels end in a stack overflow, not an error).
inline constexpr size_t kMaxJsonNesting = 64;

// Where `text` first opens a level deeper than `max_depth` (the 0-based offset of that
// '[' or '{'), or std::string::npos. Brackets inside strings do not count.
size_t JsonNestingPastLimit(const std::string& text, size_t max_depth = kMaxJsonNesting);

}  // namespace scope_migrate
