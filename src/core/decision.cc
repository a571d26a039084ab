#include "core/decision.h"

#include <algorithm>
#include <iterator>
#include <utility>

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

void FinishDecision(Decision& d, bool prune, const std::vector<std::string>* override_remove) {
  d.add.clear();
  d.extra.clear();
  d.remove.clear();
  std::set_difference(d.target.begin(), d.target.end(), d.current.begin(), d.current.end(),
                      std::back_inserter(d.add));
  std::set_difference(d.current.begin(), d.current.end(), d.target.begin(), d.target.end(),
                      std::back_inserter(d.extra));
  if (prune) {
    d.remove = d.extra;
  } else if (override_remove != nullptr) {
    std::set_intersection(d.extra.begin(), d.extra.end(), override_remove->begin(),
                          override_remove->end(), std::back_inserter(d.remove));
  }
  if (d.target.empty() && d.extra.size() == d.remove.size()) {
    // Nothing would be left: never write a key down to no scope.
    d.status = Status::kBlocked;
    d.reason = "no scopes";
    d.add.clear();
    d.remove.clear();
    return;
  }
  if (!d.add.empty() || !d.remove.empty()) {
    d.status = Status::kChange;
  } else if (!d.extra.empty()) {
    d.status = Status::kDrift;
  } else {
    d.status = Status::kUnchanged;
  }
}

FilePlace OverridePlace(const Override& o, const OverrideRefusal& refusal) {
  switch (refusal.part) {
    case OverrideRefusal::Part::kAdd:
      return o.add_at.at(refusal.index);
    case OverrideRefusal::Part::kRemove:
      return o.remove_at.at(refusal.index);
    case OverrideRefusal::Part::kEntry:
      break;
  }
  return o.at;
}

OverrideRefusal ApplyOverride(const KeyOverride& o, const std::vector<std::string>& target,
                              bool read_only, bool prune,
                              const std::function<bool(const std::string&)>& write_or_privileged,
                              Decision& d) {
  using Part = OverrideRefusal::Part;
  // What the key would hold without the override: the target and the extras that stay.
  const std::vector<std::string> would_hold = prune ? target : SortedUnion(target, d.current);
  auto holds = [&](const std::string& scope) {
    return std::binary_search(would_hold.begin(), would_hold.end(), scope);
  };
  for (size_t i = 0; i < o.add.size(); ++i) {
    if (holds(o.add[i])) {
      return {Part::kAdd, i,
              "adds \"" + o.add[i] + "\", which the key would hold anyway: the override "
              "changes nothing there"};
    }
    if (read_only && !o.allow_write && write_or_privileged(o.add[i])) {
      return {Part::kAdd, i,
              "adds the write or privileged scope \"" + o.add[i] +
                  "\" to a key whose roles are all read-only: set allow_write: true if that is "
                  "meant"};
    }
  }
  for (size_t i = 0; i < o.remove.size(); ++i) {
    if (!holds(o.remove[i])) {
      return {Part::kRemove, i,
              "removes \"" + o.remove[i] + "\", which the key would not hold: the override "
              "changes nothing there"};
    }
  }
  d.target = SortedUnion(SortedDifference(target, o.remove), o.add);
  d.override = o;
  d.reason.clear();
  FinishDecision(d, prune, &o.remove);
  return {};
}

namespace {

// A key an override may not apply to: revoked, or blocked for a reason the override does
// not answer.
OverrideRefusal RefusedKey(const Decision& d) {
  if (d.status == Status::kSkipped) {
    return {OverrideRefusal::Part::kEntry, 0,
            "the key is revoked (skipped): an override applies only to a key that is migrated"};
  }
  return {OverrideRefusal::Part::kEntry, 0,
          "the key is blocked (" + d.reason +
              "): an override applies only to a key the mapping can decide or one with no "
              "roles"};
}

}  // namespace

Decision Decide(const KeyRecord& key, const Mapping& mapping, const DecisionOptions& options,
                const KeyOverride* override, OverrideRefusal* refusal) {
  Decision d;
  d.current = SortedUnique(key.scopes);
  auto block = [&](std::string reason) {
    d.status = Status::kBlocked;
    d.reason = std::move(reason);
    if (override != nullptr) *refusal = RefusedKey(d);
    return d;
  };
  if (key.created_at && *key.created_at >= options.cutoff) {
    d.status = Status::kExcluded;
    d.reason = "created at or after the cutoff";
    if (override != nullptr) {
      *refusal = {OverrideRefusal::Part::kEntry, 0,
                  "the key is not a legacy key (created at or after the cutoff)"};
    }
    return d;
  }
  if (key.revoked) {
    d.status = Status::kSkipped;
    d.reason = "revoked";
    if (override != nullptr) *refusal = RefusedKey(d);
    return d;
  }
  if (!key.created_at) return block("missing created_at");
  if (!key.unreadable.empty()) return block(key.unreadable);

  std::vector<const Role*> roles;
  bool read_only = !key.roles.empty();
  for (const std::string& raw : key.roles) {
    const Role* role = mapping.Find(raw);
    if (role == nullptr) return block("unknown role \"" + raw + "\"");
    roles.push_back(role);
    d.roles.push_back(role->name);
    read_only = read_only && role->read_only;
  }
  d.roles = SortedUnique(std::move(d.roles));
  std::vector<std::string> target = TargetOf(roles);
  if (override != nullptr) {
    const Catalog& catalog = mapping.catalog();
    *refusal = ApplyOverride(
        *override, target, read_only, options.prune,
        [&catalog](const std::string& scope) { return IsWriteOrPrivileged(scope, catalog); }, d);
    if (!*refusal) return d;
  }
  if (key.roles.empty()) {
    d.status = Status::kBlocked;
    d.reason = "no roles";
    return d;
  }
  d.target = std::move(target);
  if (d.target.empty()) {
    d.status = Status::kBlocked;
    d.reason = "no scopes";
    return d;
  }
  FinishDecision(d, options.prune, nullptr);
  return d;
}

}  // namespace scope_migrate
