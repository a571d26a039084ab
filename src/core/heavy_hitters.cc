#include "core/heavy_hitters.h"

#include <algorithm>
#include <functional>

namespace scope_migrate {

void HeavyHitters::Add(std::string_view item, uint64_t count) {
  scratch_.assign(item.data(), item.size());
  const auto found = counts_.find(scratch_);
  if (found != counts_.end()) {
    found->second += count;
    return;
  }
  counts_.emplace(scratch_, floor_ + count);
  if (counts_.size() > 2 * capacity_) Prune();
}

void HeavyHitters::Prune() {
  approximate_ = true;
  std::vector<uint64_t> counts;
  counts.reserve(counts_.size());
  for (const auto& entry : counts_) counts.push_back(entry.second);
  std::nth_element(counts.begin(), counts.begin() + (capacity_ - 1), counts.end(),
                   std::greater<uint64_t>());
  const uint64_t keep_from = counts[capacity_ - 1];
  size_t kept_at_threshold = 0;
  for (auto it = counts_.begin(); it != counts_.end();) {
    // Keep those above the threshold, and at it only until `capacity_` are kept in all.
    const bool keep = it->second > keep_from ||
                      (it->second == keep_from && kept_at_threshold++ < capacity_);
    if (keep) {
      ++it;
      continue;
    }
    floor_ = std::max(floor_, it->second);
    it = counts_.erase(it);
  }
  while (counts_.size() > capacity_) {  // ties at the threshold beyond the capacity
    auto least = std::min_element(counts_.begin(), counts_.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
    floor_ = std::max(floor_, least->second);
    counts_.erase(least);
  }
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
