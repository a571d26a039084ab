// Small helpers for writing JSON by hand on the hot path (one line per key), where
// building a nlohmann::json object per key would cost more than the database read; and the
// nesting bound every reader of a whole JSON document checks before it parses one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scope_migrate {

// Appends `value` as a JSON string literal (quotes included). UTF-8 passes through.
void AppendJsonString(std::string& out, const std::string& value);
void AppendJsonStringArray(std::string& out, const std::vector<std::string>& values);

// How deep arrays and objects may nest in any JSON document the tool reads whole (plan
// lines, index.json, column values). A parser and the tree it builds recurse per level:
// 100,000 levels end in a stack overflow, not an error, so deeper text is refused before parsing.
inline constexpr size_t kMaxJsonNesting = 64;

// Where `text` first opens a level deeper than `max_depth` (the 0-based offset of that
// '[' or '{'), or std::string::npos. Brackets inside strings do not count. A linear scan,
// no allocation.
size_t JsonNestingPastLimit(std::string_view text, size_t max_depth = kMaxJsonNesting);

}  // namespace scope_migrate
