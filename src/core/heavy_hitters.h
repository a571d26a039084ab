// The most frequent unmatched routes (SPEC 12.1) in bounded memory: counts are exact while
// at most `capacity` distinct items have been seen; past that the summary keeps
// `capacity` items with the Space-Saving rule (a new item takes the place of the least
// counted one and inherits its count), so the top items' counts may be over-estimated
// and approximate() says so.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace scope_migrate {

inline constexpr size_t kHeavyHittersCapacity = 10000;

class HeavyHitters {
 public:
  explicit HeavyHitters(size_t capacity = kHeavyHittersCapacity) : capacity_(capacity) {}

  void Add(std::string_view item, uint64_t count);
  // The `most` items with the highest counts, highest first (ties by item).
  std::vector<std::pair<std::string, uint64_t>> Top(size_t most) const;
  bool approximate() const { return approximate_; }

 private:
  size_t capacity_;
  bool approximate_ = false;
  std::unordered_map<std::string, uint64_t> counts_;
  std::set<std::pair<uint64_t, std::string>> by_count_;
};

}  // namespace scope_migrate
