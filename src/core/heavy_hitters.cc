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
  // Those above the threshold are kept, and of those at it only as many as make `capacity_`.
  const size_t above = static_cast<size_t>(
      std::count_if(counts.begin(), counts.end(), [&](uint64_t c) { return c > keep_from; }));
  size_t at_threshold_left = capacity_ - above;
  for (auto it = counts_.begin(); it != counts_.end();) {
    const bool keep = it->second > keep_from ||
                      (it->second == keep_from && at_threshold_left > 0 && at_threshold_left--);
    if (keep) {
      ++it;
      continue;
    }
    floor_ = std::max(floor_, it->second);
    it = counts_.erase(it);
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
