// Suggestions for a mistyped flag or command. Flags must be typed in full (a prefix is never
// taken for the flag it starts), so a near miss gets a suggestion instead: the one name
// `typed` is a prefix of, or else the nearest within a small edit distance.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scope_migrate {

// Levenshtein distance (insertions, deletions, substitutions), for short names.
size_t EditDistance(const std::string& a, const std::string& b);

// The candidate to suggest for `typed`, or nothing when none is close.
std::optional<std::string> DidYouMean(const std::string& typed,
                                      const std::vector<std::string>& candidates);

}  // namespace scope_migrate
