#include "core/heavy_hitters.h"

#include <algorithm>

namespace scope_migrate {

void HeavyHitters::Add(std::string_view item, uint64_t count) {
  std::string key(item);
  auto found = counts_.find(key);
  if (found != counts_.end()) {
    by_count_.erase({found->second, key});
    found->second += count;
    by_count_.emplace(found->second, std::move(key));
    return;
  }
  uint64_t base = 0;
  if (counts_.size() >= capacity_) {
    approximate_ = true;
    const auto least = by_count_.begin();
    base = least->first;
    counts_.erase(least->second);
    by_count_.erase(least);
  }
  counts_.emplace(key, base + count);
  by_count_.emplace(base + count, std::move(key));
}

std::vector<std::pair<std::string, uint64_t>> HeavyHitters::Top(size_t most) const {
  std::vector<std::pair<std::string, uint64_t>> out(counts_.begin(), counts_.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (out.size() > most) out.resize(most);
  return out;
}

}  // namespace scope_migrate
