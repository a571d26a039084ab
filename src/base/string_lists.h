// Small helpers on lists of strings and on error texts, shared by every floor: one sorted,
// de-duplicated list (byte order, as everything the tool compares and prints), and the
// two ways an exception's text is cut for a message (its first line; no trailing
// newlines or spaces). Pure functions, no state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace scope_migrate {

// `values` sorted in byte order with duplicates removed.
std::vector<std::string> SortedUnique(std::vector<std::string> values);

// a ∪ b and a − b of two sorted, unique lists (sorted, unique).
std::vector<std::string> SortedUnion(const std::vector<std::string>& a,
                                     const std::vector<std::string>& b);
std::vector<std::string> SortedDifference(const std::vector<std::string>& a,
                                          const std::vector<std::string>& b);

// `text` up to its first newline (all of it without one).
std::string FirstLine(const std::string& text);

// `text` without trailing newlines and spaces (libpq ends its messages with "\n").
std::string TrimTrailing(std::string text);

// "1 target", "3 targets": `count` and `noun`, plural (an "s") unless count is 1.
std::string CountOf(uint64_t count, const std::string& noun);

}  // namespace scope_migrate
