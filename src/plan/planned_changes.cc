#include "plan/planned_changes.h"

#include <algorithm>
#include <numeric>

#include "base/string_lists.h"

namespace scope_migrate {
namespace {

bool Contains(const std::vector<std::string>& sorted, const std::string& item) {
  return std::binary_search(sorted.begin(), sorted.end(), item);
}

}  // namespace

PlannedChanges::PlannedChanges(const PlanFile& plan) {
  for (const std::string& scope : plan.header().mapping.scopes) {
    scope_index_.emplace(scope, scope_index_.size());
  }
  words_ = std::max<size_t>(1, (scope_index_.size() + 63) / 64);
  plan.ForEachKey([&](const PlanKeyLine& line) {
    if (line.status != Status::kChange) return;
    Key key;
    key.id_at = ids_.size();
    key.id_size = static_cast<uint32_t>(line.id.size());
    key.masks_at = static_cast<uint32_t>(keys_.size());
    ids_ += line.id;
    masks_.resize(masks_.size() + 3 * words_, 0);
    const size_t at = masks_.size() - 3 * words_;
    Outside outside;
    for (const auto& [list, mask] : {std::make_pair(&line.current, kCurrent),
                                     std::make_pair(&line.add, kAdd),
                                     std::make_pair(&line.remove, kRemove)}) {
      for (const std::string& scope : *list) {
        const auto it = scope_index_.find(scope);
        if (it != scope_index_.end()) {
          Set(at, mask, it->second);
        } else if (mask == kCurrent) {
          outside.current.push_back(scope);
        } else if (mask == kRemove) {
          outside.removed.push_back(scope);
        }
      }
    }
    if (!outside.current.empty()) {
      outside.current = SortedUnique(std::move(outside.current));
      outside.removed = SortedUnique(std::move(outside.removed));
      key.outside = static_cast<int64_t>(outside_.size());
      outside_.push_back(std::move(outside));
    }
    keys_.push_back(key);
  });
  std::sort(keys_.begin(), keys_.end(),
            [this](const Key& a, const Key& b) { return IdOf(a) < IdOf(b); });
}

std::string_view PlannedChanges::IdOf(const Key& key) const {
  return std::string_view(ids_).substr(key.id_at, key.id_size);
}

const PlannedChanges::Key* PlannedChanges::Find(const std::string& id) const {
  const auto it = std::lower_bound(keys_.begin(), keys_.end(), std::string_view(id),
                                   [this](const Key& k, std::string_view v) { return IdOf(k) < v; });
  return it != keys_.end() && IdOf(*it) == id ? &*it : nullptr;
}

bool PlannedChanges::Has(const Key& key, Mask mask, size_t scope) const {
  const uint64_t word = masks_[(size_t{key.masks_at} * 3 + mask) * words_ + scope / 64];
  return (word >> (scope % 64)) & 1;
}

void PlannedChanges::Set(size_t at, Mask mask, size_t scope) {
  masks_[at + mask * words_ + scope / 64] |= uint64_t{1} << (scope % 64);
}

std::string PlannedChanges::JudgeChange(const std::string& key_id, const std::string& scope,
                                        bool added) const {
  const Key* key = Find(key_id);
  if (key == nullptr) return "the plan changes no key " + key_id;
  const auto it = scope_index_.find(scope);
  const bool planned =
      it != scope_index_.end()
          ? Has(*key, added ? kAdd : kRemove, it->second)
          : !added && key->outside >= 0 && Contains(outside_[key->outside].removed, scope);
  if (planned) return "";
  return "the plan does not " + std::string(added ? "add " : "remove ") + scope +
         (added ? " to" : " from") + " key " + key_id;
}

std::vector<uint64_t> PlannedChanges::MaskOf(const std::vector<std::string>& items,
                                             std::vector<std::string>& outside) const {
  std::vector<uint64_t> mask(words_, 0);
  for (const std::string& item : items) {
    const auto it = scope_index_.find(item);
    if (it == scope_index_.end()) {
      outside.push_back(item);
    } else {
      mask[it->second / 64] |= uint64_t{1} << (it->second % 64);
    }
  }
  outside = SortedUnique(std::move(outside));
  return mask;
}

std::string PlannedChanges::JudgeValues(const std::string& key_id, std::vector<std::string> before,
                                        std::vector<std::string> after) const {
  const Key* key = Find(key_id);
  if (key == nullptr) return "the plan changes no key " + key_id;
  std::vector<uint64_t> current(words_), target(words_);
  const size_t at = size_t{key->masks_at} * 3 * words_;
  for (size_t w = 0; w < words_; ++w) {
    current[w] = masks_[at + kCurrent * words_ + w];
    target[w] = (current[w] | masks_[at + kAdd * words_ + w]) & ~masks_[at + kRemove * words_ + w];
  }
  std::vector<std::string> current_outside, target_outside;
  if (key->outside >= 0) {
    const Outside& o = outside_[key->outside];
    current_outside = o.current;
    std::set_difference(o.current.begin(), o.current.end(), o.removed.begin(), o.removed.end(),
                        std::back_inserter(target_outside));
  }
  std::vector<std::string> before_outside, after_outside;
  if (MaskOf(before, before_outside) != current || before_outside != current_outside) {
    return "key " + key_id + "'s recorded value before the run is not its planned current scopes";
  }
  if (MaskOf(after, after_outside) != target || after_outside != target_outside) {
    return "key " + key_id + "'s recorded value after the run is not its planned target scopes";
  }
  return "";
}

}  // namespace scope_migrate
