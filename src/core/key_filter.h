// --tenant and --key: which keys a run covers. A key passes when its id is one of `ids`
// (or `ids` is empty) and its tenant is one of `tenants` (or `tenants` is empty); a key
// with no tenant never passes a tenant limit. An empty filter passes every key. The
// sources apply it when reading keys, and the plan reader when counting and visiting a
// plan's keys. A filter value that matches no key at all is a mistake (a typo of a tenant,
// an id that does not exist), never an empty run: FilterTally records what each value
// matched and RefuseUnmatched turns the misses into an error (exit 6) that names every
// value that matched nothing and, for tenants, the closest tenant names seen.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace scope_migrate {

struct KeyFilter {
  std::vector<std::string> tenants;
  std::vector<std::string> ids;
  // False for a look-up that expects misses (the keys an overrides file names, SPEC 12.2):
  // the sources then visit what matches and refuse nothing.
  bool refuse_unmatched = true;

  bool empty() const { return tenants.empty() && ids.empty(); }
  // `tenant` is null for a key with no tenant.
  bool Matches(const std::string& id, const std::string* tenant) const;
  // "--tenant acme --key 42" (tenants first, each as given), or "" when empty.
  std::string Describe() const;
};

// What a filter's values matched among the keys of a source (whatever their cutoff).
struct FilterMisses {
  std::vector<std::string> tenants;       // --tenant values no key has
  std::vector<std::string> ids;           // --key values no key has
  std::vector<std::string> tenants_seen;  // candidates for did-you-mean (may be capped)
  bool none_selected = false;             // every value matched, but together they select no key
};

// Counts, key by key, which of a filter's values match; keeps the tenant names seen (up to
// a cap) for suggestions.
class FilterTally {
 public:
  explicit FilterTally(const KeyFilter& filter);
  // Every key of the source, passing the filter or not.
  void See(const std::string& id, const std::string* tenant);
  FilterMisses Misses() const;

 private:
  KeyFilter filter_;
  std::vector<bool> tenant_hit_, id_hit_;
  std::set<std::string> tenants_seen_;
  uint64_t selected_ = 0;
};

// Throws ToolError(kExitFilterMatchedNothing) naming every value of `misses`, with
// did-you-mean suggestions for tenants; returns when nothing was missed. `where` says what
// was searched ("the database", "the plan file F").
void RefuseUnmatched(const FilterMisses& misses, const KeyFilter& filter, const std::string& where);

}  // namespace scope_migrate
