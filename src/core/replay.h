// The replay (SPEC 12.1): the calls of the usage input tallied per legacy key and route,
// then judged against the scopes each key holds once the plan is applied. Feed it the
// plan's legacy keys (AddKey, in plan order), then every usage record (Visit, as a
// UsageVisitor, in any order), then Finish(): every counter of the summary, per key
// `after`, `calls`, `last_seen`, `dormant`, `denied` (with `allowed_by`),
// `blocked_with_traffic`, `unused` and `suggested`, the totals by tenant and the most
// frequent unmatched routes. Records are classified in SPEC's order: outside the window,
// a key that is not a legacy key of the plan, refused before (401/403), else replayed.
// Memory is bounded by keys x routes seen (and the unmatched summary), not by records.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/decision.h"
#include "core/endpoints.h"
#include "core/heavy_hitters.h"
#include "core/route_matcher.h"
#include "core/smallest_set.h"
#include "core/usage_record.h"

namespace scope_migrate {

inline constexpr size_t kTopUnmatched = 20;

// One legacy key of the plan as the replay needs it.
struct ReplayKey {
  std::string id;
  std::string tenant;  // "" when the key has none
  Status status = Status::kUnchanged;
  std::string reason;              // why it is blocked or skipped
  std::vector<std::string> after;  // sorted, unique: the scopes it holds once applied
};

// `after` of a planned key: target plus kept extras for keys the plan writes or leaves,
// the current scopes for blocked and skipped keys.
std::vector<std::string> ScopesAfter(const Decision& decision);

struct RouteCalls {
  int endpoint = -1;  // position in the endpoint catalog
  uint64_t calls = 0;
  Instant last_seen = 0;
};

struct DeniedRoute {
  std::string route;
  uint64_t calls = 0;
  Instant last_seen = 0;
  std::vector<ScopeEntry> allowed_by;
};

struct KeyReplay {
  const ReplayKey* key = nullptr;
  uint64_t calls = 0;  // replayed calls, unmatched ones included
  std::optional<Instant> last_seen;
  bool dormant = true;
  bool blocked_with_traffic = false;
  std::vector<RouteCalls> routes;  // observed matched routes, in catalog order
  std::vector<DeniedRoute> denied;
  std::vector<std::string> unused;
  SmallestSet suggested;
};

struct ReplayCounters {
  uint64_t records = 0, calls = 0, outside_window = 0, refused_before = 0, other_keys = 0;
  uint64_t unmatched_calls = 0, keys = 0, keys_with_calls = 0, dormant_keys = 0;
  uint64_t breaking_keys = 0, denied_calls = 0, blocked_keys_with_calls = 0, unused_scopes = 0;
};

struct TenantReplay {
  std::string tenant;
  uint64_t keys = 0, keys_with_calls = 0, calls = 0, breaking_keys = 0, denied_calls = 0;
  uint64_t blocked_keys_with_calls = 0;
};

struct ReplayResult {
  ReplayCounters counters;
  Instant window_from = 0, window_to = 0;
  std::vector<KeyReplay> keys;        // every legacy key, in plan order
  std::vector<TenantReplay> tenants;  // by tenant name ("" first)
  std::vector<std::pair<std::string, uint64_t>> unmatched;  // "METHOD path", most calls first
  bool unmatched_approximate = false;

  // Exit 8's condition: a key breaks or a blocked key has traffic.
  bool Breaks() const {
    return counters.breaking_keys > 0 || counters.blocked_keys_with_calls > 0;
  }
};

class Replay : public UsageVisitor {
 public:
  // The window is [from, to). When every key id is a UUID in canonical form (a `uuid` key
  // column), a usage id that is not found as it is and is a UUID in another case or
  // without hyphens is canonicalised and looked up again.
  Replay(const EndpointCatalog& endpoints, Instant from, Instant to);

  void AddKey(ReplayKey key);
  void Visit(const UsageRecord& record) override;
  ReplayResult Finish() const;

  const EndpointCatalog& endpoints() const { return endpoints_; }
  const ReplayCounters& counters() const { return counters_; }
  Instant window_from() const { return from_; }
  Instant window_to() const { return to_; }

 private:
  struct Tally {
    uint64_t calls = 0;
    Instant last_seen = 0;
    std::vector<RouteCalls> routes;
  };

  int FindKey(std::string_view id);
  KeyReplay Judge(size_t index, std::map<std::string, SmallestSet>& memo) const;

  const EndpointCatalog& endpoints_;
  RouteMatcher matcher_;
  Instant from_, to_;
  bool uuid_keys_ = true;  // every key id so far is a canonical UUID
  std::vector<ReplayKey> keys_;
  std::vector<Tally> tallies_;
  std::unordered_map<std::string, uint32_t> index_;
  std::string scratch_, unmatched_item_;
  ReplayCounters counters_;
  HeavyHitters unmatched_;
};

// A UUID written with any case and with or without hyphens, in canonical form (lower
// case, 8-4-4-4-12); nullopt when `id` is not one.
std::optional<std::string> CanonicalUuid(std::string_view id);

}  // namespace scope_migrate
