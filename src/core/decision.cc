#include "core/decision.h"

#include <algorithm>
#include <iterator>

namespace scope_migrate {

const char* StatusName(Status status) {
  // In the order of the enum.
  static const char* const kNames[] = {"change",  "unchanged", "drift",
                                       "blocked", "skipped",   "excluded"};
  return kNames[static_cast<int>(status)];
}

std::optional<Status> ParseStatus(std::string_view name) {
  for (Status s : {Status::kChange, Status::kUnchanged, Status::kDrift, Status::kBlocked,
                   Status::kSkipped, Status::kExcluded}) {
    if (name == StatusName(s)) return s;
  }
  return std::nullopt;
}

namespace {

// The union of the roles' scopes, sorted and unique. Each role's list is already sorted and
// unique (mapping.h), so the lists are merged rather than sorted: the plan's hot path
// (bench/README.md).
std::vector<std::string> TargetOf(const std::vector<const Role*>& roles) {
  std::vector<std::string> target;
  std::vector<std::string> merged;
  for (const Role* role : roles) {
    if (target.empty()) {
      target = role->scopes;
      continue;
    }
    merged.clear();
    merged.reserve(target.size() + role->scopes.size());
    std::set_union(target.begin(), target.end(), role->scopes.begin(), role->scopes.end(),
                   std::back_inserter(merged));
    target.swap(merged);
  }
  return target;
}

}  // namespace

Decision Decide(const KeyRecord& key, const Mapping& mapping, const DecisionOptions& options) {
  Decision d;
  d.current = SortedUnique(key.scopes);
  auto block = [&d](std::string reason) {
    d.status = Status::kBlocked;
    d.reason = std::move(reason);
    return d;
  };
  if (key.created_at && *key.created_at >= options.cutoff) {
    d.status = Status::kExcluded;
    d.reason = "created at or after the cutoff";
    return d;
  }
  if (key.revoked) {
    d.status = Status::kSkipped;
    d.reason = "revoked";
    return d;
  }
  if (!key.created_at) return block("missing created_at");
  if (!key.unreadable.empty()) return block(key.unreadable);
  if (key.roles.empty()) return block("no roles");

  std::vector<const Role*> roles;
  for (const std::string& raw : key.roles) {
    const Role* role = mapping.Find(raw);
    if (role == nullptr) return block("unknown role \"" + raw + "\"");
    roles.push_back(role);
    d.roles.push_back(role->name);
  }
  d.roles = SortedUnique(std::move(d.roles));
  d.target = TargetOf(roles);
  if (d.target.empty()) return block("no scopes");

  std::set_difference(d.target.begin(), d.target.end(), d.current.begin(), d.current.end(),
                      std::back_inserter(d.add));
  std::set_difference(d.current.begin(), d.current.end(), d.target.begin(), d.target.end(),
                      std::back_inserter(d.extra));
  if (options.prune) d.remove = d.extra;
  if (!d.add.empty() || !d.remove.empty()) {
    d.status = Status::kChange;
  } else if (!d.extra.empty()) {
    d.status = Status::kDrift;
  } else {
    d.status = Status::kUnchanged;
  }
  return d;
}

}  // namespace scope_migrate
