// The most frequent unmatched routes (SPEC 12.1) in bounded memory: counts are exact while
// at most 2 x `capacity` distinct items have been seen. Past that, the summary is pruned
// back to its `capacity` most counted items, and an item first seen afterwards starts from
// the highest count pruned so far (the Space-Saving bound: a count is never under the
// truth, and over it by at most that floor), so approximate() says the counts may be
// over-estimated. Amortised O(1) per Add: the pruning (a selection, not a sort) runs once
// per `capacity` new items.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace scope_migrate {

inline constexpr size_t kHeavyHittersCapacity = 10000;

class HeavyHitters {
 public:
  explicit HeavyHitters(size_t capacity = kHeavyHittersCapacity)
      : capacity_(capacity > 0 ? capacity : 1) {}

  void Add(std::string_view item, uint64_t count);
  // The `most` items with the highest counts, highest first (ties by item).
  std::vector<std::pair<std::string, uint64_t>> Top(size_t most) const;
  bool approximate() const { return approximate_; }

 private:
  void Prune();

  size_t capacity_;
  bool approximate_ = false;
  uint64_t floor_ = 0;  // the highest count pruned so far
  std::unordered_map<std::string, uint64_t> counts_;
  std::string scratch_;
};

}  // namespace scope_migrate
