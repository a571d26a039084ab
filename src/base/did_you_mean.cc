#include "base/did_you_mean.h"

#include <algorithm>

namespace scope_migrate {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> DidYouMean(const std::string& typed,
                                      const std::vector<std::string>& candidates) {
  if (typed.empty()) return std::nullopt;
  std::vector<std::string> extending;
  for (const auto& name : candidates) {
    if (name.size() > typed.size() && name.compare(0, typed.size(), typed) == 0) {
      extending.push_back(name);
    }
  }
  if (extending.size() == 1) return extending.front();
  const std::string* best = nullptr;
  size_t best_distance = std::max<size_t>(2, typed.size() / 4) + 1;
  for (const auto& name : candidates) {
    const size_t distance = EditDistance(typed, name);
    if (distance < best_distance) {
      best_distance = distance;
      best = &name;
    }
  }
  if (best != nullptr) return *best;
  if (!extending.empty()) return extending.front();  // several: the first is as good as any
  return std::nullopt;
}

}  // namespace scope_migrate
