#include "core/smallest_set.h"

#include <algorithm>
#include <cstdint>
#include <set>

namespace scope_migrate {
namespace {

bool IsWrite(const std::string& scope) {
  return scope.size() >= 6 && scope.compare(scope.size() - 6, 6, "-write") == 0;
}

// The exact search over at most kExactScopes scopes, as bit masks over `scopes` (sorted).
class ExactSearch {
 public:
  ExactSearch(const std::vector<std::vector<ScopeEntry>>& needs, std::vector<std::string> scopes,
              const Catalog& catalog)
      : scopes_(std::move(scopes)) {
    for (size_t i = 0; i < scopes_.size(); ++i) {
      if (catalog.IsPrivileged(scopes_[i])) privileged_ |= 1u << i;
      if (IsWrite(scopes_[i])) write_ |= 1u << i;
    }
    for (const auto& route : needs) {
      std::vector<uint32_t> masks;
      for (const ScopeEntry& entry : route) masks.push_back(MaskOf(entry));
      routes_.push_back(std::move(masks));
    }
  }

  std::vector<std::string> Run() const {
    const int n = static_cast<int>(scopes_.size());
    for (int size = 0; size <= n; ++size) {
      bool found = false;
      uint32_t best = 0;
      ForEachMaskOfSize(n, size, [&](uint32_t mask) {
        if (!Satisfies(mask)) return;
        if (!found || Better(mask, best)) best = mask;
        found = true;
      });
      if (found) return NamesOf(best);
    }
    return scopes_;  // unreachable: the whole set satisfies every route
  }

 private:
  uint32_t MaskOf(const ScopeEntry& entry) const {
    uint32_t mask = 0;
    for (const std::string& scope : entry) {
      const auto at = std::lower_bound(scopes_.begin(), scopes_.end(), scope);
      mask |= 1u << (at - scopes_.begin());
    }
    return mask;
  }

  bool Satisfies(uint32_t mask) const {
    for (const auto& entries : routes_) {
      bool any = false;
      for (uint32_t entry : entries) any = any || (entry & ~mask) == 0;
      if (!any) return false;
    }
    return true;
  }

  // Fewer privileged, then fewer -write, then the first by catalog positions in order.
  bool Better(uint32_t a, uint32_t b) const {
    const int pa = __builtin_popcount(a & privileged_), pb = __builtin_popcount(b & privileged_);
    if (pa != pb) return pa < pb;
    const int wa = __builtin_popcount(a & write_), wb = __builtin_popcount(b & write_);
    if (wa != wb) return wa < wb;
    const uint32_t differ = a ^ b;
    return differ != 0 && (a & differ & (~differ + 1)) != 0;
  }

  template <typename F>
  static void ForEachMaskOfSize(int n, int size, F visit) {
    if (size == 0) {
      visit(0);
      return;
    }
    const uint64_t end = uint64_t{1} << n;
    uint64_t mask = (uint64_t{1} << size) - 1;
    while (mask < end) {
      visit(static_cast<uint32_t>(mask));
      const uint64_t low = mask & (~mask + 1);  // Gosper's hack: the next mask of this size
      const uint64_t ripple = mask + low;
      mask = (((ripple ^ mask) >> 2) / low) | ripple;
    }
  }

  std::vector<std::string> NamesOf(uint32_t mask) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < scopes_.size(); ++i) {
      if ((mask >> i) & 1u) out.push_back(scopes_[i]);
    }
    return out;
  }

  std::vector<std::string> scopes_;
  uint32_t privileged_ = 0, write_ = 0;
  std::vector<std::vector<uint32_t>> routes_;
};

bool Holds(const std::set<std::string>& set, const ScopeEntry& entry) {
  return std::all_of(entry.begin(), entry.end(),
                     [&](const std::string& scope) { return set.count(scope) > 0; });
}

// Beyond kExactScopes: repeatedly take the entry that satisfies the most routes still open
// per scope it adds (fewer added first on a tie, then the first met).
std::vector<std::string> Greedy(const std::vector<std::vector<ScopeEntry>>& needs) {
  std::set<std::string> chosen;
  std::vector<bool> open(needs.size(), true);
  for (;;) {
    const ScopeEntry* best = nullptr;
    double best_score = -1;
    size_t best_cost = 0;
    for (size_t r = 0; r < needs.size(); ++r) {
      if (!open[r]) continue;
      for (const ScopeEntry& entry : needs[r]) {
        std::set<std::string> with = chosen;
        with.insert(entry.begin(), entry.end());
        size_t gain = 0;
        for (size_t o = 0; o < needs.size(); ++o) {
          if (!open[o]) continue;
          for (const ScopeEntry& e : needs[o]) {
            if (Holds(with, e)) {
              ++gain;
              break;
            }
          }
        }
        const size_t cost = std::max<size_t>(1, with.size() - chosen.size());
        const double score = static_cast<double>(gain) / static_cast<double>(cost);
        if (score > best_score || (score == best_score && cost < best_cost)) {
          best = &entry;
          best_score = score;
          best_cost = cost;
        }
      }
    }
    if (best == nullptr) break;
    chosen.insert(best->begin(), best->end());
    for (size_t r = 0; r < needs.size(); ++r) {
      if (!open[r]) continue;
      for (const ScopeEntry& e : needs[r]) open[r] = open[r] && !Holds(chosen, e);
    }
  }
  return {chosen.begin(), chosen.end()};
}

}  // namespace

SmallestSet FindSmallestSet(const std::vector<std::vector<ScopeEntry>>& needs,
                            const Catalog& catalog) {
  std::set<std::string> relevant;
  for (const auto& route : needs) {
    for (const ScopeEntry& entry : route) relevant.insert(entry.begin(), entry.end());
  }
  if (relevant.size() > kExactScopes) return {Greedy(needs), true};
  return {ExactSearch(needs, {relevant.begin(), relevant.end()}, catalog).Run(), false};
}

}  // namespace scope_migrate
