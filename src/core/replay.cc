#include "core/replay.h"

#include <algorithm>
#include <set>

#include "base/string_lists.h"

namespace scope_migrate {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The entries of `endpoint` that `after` satisfies.
std::vector<ScopeEntry> SatisfiedEntries(const Endpoint& endpoint,
                                         const std::vector<std::string>& after) {
  std::vector<ScopeEntry> out;
  for (const ScopeEntry& entry : endpoint.scopes) {
    if (std::includes(after.begin(), after.end(), entry.begin(), entry.end())) {
      out.push_back(entry);
    }
  }
  return out;
}

std::string MemoKey(const std::vector<std::vector<ScopeEntry>>& needs) {
  std::string key;
  for (const auto& route : needs) {
    for (const ScopeEntry& entry : route) {
      for (const std::string& scope : entry) key += scope + ",";
      key += ";";
    }
    key += "|";
  }
  return key;
}

}  // namespace

std::vector<std::string> ScopesAfter(const Decision& decision) {
  if (decision.status == Status::kBlocked || decision.status == Status::kSkipped ||
      decision.status == Status::kExcluded) {
    return decision.current;
  }
  std::set<std::string> after(decision.target.begin(), decision.target.end());
  after.insert(decision.extra.begin(), decision.extra.end());
  for (const std::string& scope : decision.remove) after.erase(scope);
  return {after.begin(), after.end()};
}

std::optional<std::string> CanonicalUuid(std::string_view id) {
  std::string hex;
  for (char c : id) {
    if (c == '-') continue;
    if (!IsHex(c) || hex.size() == 32) return std::nullopt;
    hex += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  }
  const bool hyphens_ok = id.size() == 32 ||
                          (id.size() == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' &&
                           id[23] == '-');
  if (hex.size() != 32 || !hyphens_ok) return std::nullopt;
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

Replay::Replay(const EndpointCatalog& endpoints, Instant from, Instant to)
    : endpoints_(endpoints), matcher_(endpoints.endpoints()), from_(from), to_(to) {}

void Replay::AddKey(ReplayKey key) {
  uuid_keys_ = uuid_keys_ && CanonicalUuid(key.id) == key.id;
  index_.emplace(key.id, static_cast<uint32_t>(keys_.size()));
  keys_.push_back(std::move(key));
  tallies_.emplace_back();
}

int Replay::FindKey(std::string_view id) {
  scratch_.assign(id.data(), id.size());
  auto found = index_.find(scratch_);
  if (found != index_.end()) return static_cast<int>(found->second);
  if (!uuid_keys_ || keys_.empty()) return -1;
  const auto canonical = CanonicalUuid(id);
  if (!canonical) return -1;
  found = index_.find(*canonical);
  return found == index_.end() ? -1 : static_cast<int>(found->second);
}

void Replay::Visit(const UsageRecord& record) {
  ++counters_.records;
  const uint64_t count = record.count;
  if (record.at < from_ || record.at >= to_) {
    counters_.outside_window += count;
    return;
  }
  const int key = FindKey(record.key);
  if (key < 0) {
    counters_.other_keys += count;
    return;
  }
  if (record.status == 401 || record.status == 403) {
    counters_.refused_before += count;
    return;
  }
  counters_.calls += count;
  Tally& tally = tallies_[key];
  tally.calls += count;
  tally.last_seen = tally.calls == count ? record.at : std::max(tally.last_seen, record.at);
  const int endpoint = matcher_.Match(record.method, record.path);
  if (endpoint < 0) {
    counters_.unmatched_calls += count;
    unmatched_item_.assign(record.method.data(), record.method.size());
    unmatched_item_ += ' ';
    unmatched_item_.append(PathWithoutQuery(record.path));
    unmatched_.Add(unmatched_item_, count);
    return;
  }
  for (RouteCalls& route : tally.routes) {
    if (route.endpoint == endpoint) {
      route.calls += count;
      route.last_seen = std::max(route.last_seen, record.at);
      return;
    }
  }
  tally.routes.push_back(RouteCalls{endpoint, count, record.at});
}

KeyReplay Replay::Judge(size_t index, std::map<std::string, SmallestSet>& memo) const {
  const ReplayKey& key = keys_[index];
  const Tally& tally = tallies_[index];
  const std::vector<Endpoint>& endpoints = endpoints_.endpoints();
  KeyReplay out;
  out.key = &key;
  out.calls = tally.calls;
  out.dormant = tally.calls == 0;
  if (!out.dormant) out.last_seen = tally.last_seen;
  out.routes = tally.routes;
  std::sort(out.routes.begin(), out.routes.end(),
            [](const RouteCalls& a, const RouteCalls& b) { return a.endpoint < b.endpoint; });
  const bool judged = key.status == Status::kChange || key.status == Status::kUnchanged ||
                      key.status == Status::kDrift;
  std::set<std::string> used;
  std::vector<std::vector<ScopeEntry>> needs;
  for (const RouteCalls& route : out.routes) {
    const Endpoint& endpoint = endpoints[route.endpoint];
    if (endpoint.is_public) continue;
    if (key.status == Status::kBlocked) out.blocked_with_traffic = true;
    std::vector<ScopeEntry> satisfied = SatisfiedEntries(endpoint, key.after);
    if (satisfied.empty()) {
      if (judged) {
        out.denied.push_back(
            DeniedRoute{endpoint.Route(), route.calls, route.last_seen, endpoint.scopes});
      }
      continue;
    }
    for (const ScopeEntry& entry : satisfied) used.insert(entry.begin(), entry.end());
    needs.push_back(std::move(satisfied));
  }
  for (const std::string& scope : key.after) {
    if (used.count(scope) == 0) out.unused.push_back(scope);
  }
  if (!out.dormant && !needs.empty()) {
    const std::string memo_key = MemoKey(needs);
    auto found = memo.find(memo_key);
    if (found == memo.end()) {
      found = memo.emplace(memo_key, FindSmallestSet(needs, endpoints_.catalog())).first;
    }
    out.suggested = found->second;
  }
  return out;
}

ReplayResult Replay::Finish() const {
  ReplayResult result;
  result.counters = counters_;
  result.window_from = from_;
  result.window_to = to_;
  ReplayCounters& c = result.counters;
  std::map<std::string, SmallestSet> memo;
  std::map<std::string, TenantReplay> tenants;
  for (size_t i = 0; i < keys_.size(); ++i) {
    KeyReplay key = Judge(i, memo);
    TenantReplay& tenant = tenants[keys_[i].tenant];
    tenant.tenant = keys_[i].tenant;
    ++c.keys;
    ++tenant.keys;
    tenant.calls += key.calls;
    if (key.dormant) {
      ++c.dormant_keys;
    } else {
      ++c.keys_with_calls;
      ++tenant.keys_with_calls;
    }
    if (!key.denied.empty()) {
      ++c.breaking_keys;
      ++tenant.breaking_keys;
    }
    for (const DeniedRoute& denied : key.denied) {
      c.denied_calls += denied.calls;
      tenant.denied_calls += denied.calls;
    }
    if (key.blocked_with_traffic) {
      ++c.blocked_keys_with_calls;
      ++tenant.blocked_keys_with_calls;
    }
    c.unused_scopes += key.unused.size();
    result.keys.push_back(std::move(key));
  }
  for (auto& entry : tenants) result.tenants.push_back(std::move(entry.second));
  result.unmatched = unmatched_.Top(kTopUnmatched);
  result.unmatched_approximate = unmatched_.approximate();
  return result;
}

}  // namespace scope_migrate
