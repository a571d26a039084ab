// What a plan changes, indexed for rollback's check of an apply run's audit rows (SPEC
// 12.3): rollback reverts only audit rows that match a change of the run's plan, since the
// operator's role can write the audit tables by hand. Built from a verified plan file
// (PlanFile: checksum, lint's rules, every decision recomputed), so every scope here is in
// the plan's catalog and every change is one the plan made.
//
// A change row (key, scope, add|remove) matches when the key is a "change" key of the plan
// and the scope is in its add (or remove) list. A recorded value of a scopes column
// matches when its items before are exactly the key's planned current scopes and its
// items after exactly its planned target. Memory: the key ids once, and per key three
// bitmasks over the catalog (plus the few current scopes outside it), so a plan of a
// million keys fits in a few tens of MiB; ids are compared exactly, never by hash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "plan/plan_reader.h"

namespace scope_migrate {

class PlannedChanges {
 public:
  explicit PlannedChanges(const PlanFile& plan);

  // "" when the row matches a change of the plan, else why not (for a message).
  std::string JudgeChange(const std::string& key_id, const std::string& scope,
                          bool added) const;
  // "" when `before` and `after` (a scopes column's items, any order) are the key's planned
  // current and target scopes, else why not.
  std::string JudgeValues(const std::string& key_id, std::vector<std::string> before,
                          std::vector<std::string> after) const;

  size_t keys() const { return keys_.size(); }

 private:
  struct Key {
    uint64_t id_at = 0;
    uint32_t id_size = 0;
    uint32_t masks_at = 0;  // index of the key's first word in masks_ (/ 3 words_)
    int64_t outside = -1;   // index in outside_ of its current scopes outside the catalog
  };
  enum Mask { kCurrent = 0, kAdd = 1, kRemove = 2 };

  std::string_view IdOf(const Key& key) const;
  const Key* Find(const std::string& id) const;
  bool Has(const Key& key, Mask mask, size_t scope) const;
  void Set(size_t masks_at, Mask mask, size_t scope);
  // The items as the planned masks see them: catalog ones set, the others sorted apart.
  std::vector<uint64_t> MaskOf(const std::vector<std::string>& items,
                               std::vector<std::string>& outside) const;

  std::unordered_map<std::string, size_t> scope_index_;  // catalog scope -> bit
  size_t words_ = 1;
  std::string ids_;
  std::vector<Key> keys_;  // sorted by id
  std::vector<uint64_t> masks_;
  struct Outside {  // a key's current scopes outside the catalog, and those it removes
    std::vector<std::string> current, removed;
  };
  std::vector<Outside> outside_;
};

}  // namespace scope_migrate
