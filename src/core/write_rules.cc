#include "core/write_rules.h"

#include <algorithm>
#include <iterator>

#include "base/string_lists.h"
#include "base/text_escape.h"

namespace scope_migrate {
namespace {

// `values` sorted (and unique when asked), copied into `storage` only when it is not
// already: the key store and the plan deliver sorted lists.
const std::vector<std::string>& Sorted(const std::vector<std::string>& values,
                                       std::vector<std::string>& storage, bool unique) {
  const bool sorted = unique ? std::adjacent_find(values.begin(), values.end(),
                                                  [](const auto& a, const auto& b) {
                                                    return !(a < b);
                                                  }) == values.end()
                             : std::is_sorted(values.begin(), values.end());
  if (sorted) return values;
  if (unique) {
    storage = SortedUnique(values);
  } else {
    storage = values;
    std::sort(storage.begin(), storage.end());
  }
  return storage;
}

// "+a -b" for what `now` has beyond `before` and lacks of it (both sorted; multisets).
std::string Delta(const std::vector<std::string>& before, const std::vector<std::string>& now,
                  bool quote) {
  std::vector<std::string> added, gone;
  std::set_difference(now.begin(), now.end(), before.begin(), before.end(),
                      std::back_inserter(added));
  std::set_difference(before.begin(), before.end(), now.begin(), now.end(),
                      std::back_inserter(gone));
  auto shown = [quote](const std::string& v) {
    return quote ? "\"" + Printable(v) + "\"" : Printable(v);
  };
  std::string out;
  for (const auto& v : added) out += (out.empty() ? "+" : " +") + shown(v);
  for (const auto& v : gone) out += (out.empty() ? "-" : " -") + shown(v);
  return out;
}

std::string List(const std::vector<std::string>& values, bool quote) {
  std::string out;
  for (const auto& v : values) {
    out += (out.empty() ? "" : ", ") + (quote ? "\"" + Printable(v) + "\"" : Printable(v));
  }
  return "[" + out + "]";
}

}  // namespace

std::string DescribeChangeSince(const KeyState& now, const KeyChange& planned) {
  if (!now.unreadable.empty()) return now.unreadable;
  std::vector<std::string> parts;
  if (now.revoked) parts.push_back("it was revoked");
  std::vector<std::string> now_roles, planned_roles, now_scopes, planned_scopes;
  const auto& roles_before = Sorted(planned.planned_roles, planned_roles, false);
  const auto& roles = Sorted(now.roles, now_roles, false);
  if (roles != roles_before) {
    parts.push_back("roles now have " + Delta(roles_before, roles, true) + " (the plan saw " +
                    List(roles_before, true) + ")");
  }
  const auto& scopes_before = Sorted(planned.planned_scopes, planned_scopes, true);
  const auto& scopes = Sorted(now.scopes, now_scopes, true);
  if (scopes != scopes_before && scopes != StateAfter(scopes_before, planned.add, planned.remove)) {
    parts.push_back("scopes now have " + Delta(scopes_before, scopes, false) + " (the plan saw " +
                    List(scopes_before, false) + ")");
  }
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out.empty() ? "its roles, scopes or revocation differ" : out;
}

std::vector<std::string> StateAfter(const std::vector<std::string>& current,
                                    const std::vector<std::string>& add,
                                    const std::vector<std::string>& remove) {
  std::vector<std::string> after = current;
  after.insert(after.end(), add.begin(), add.end());
  after = SortedUnique(std::move(after));
  std::vector<std::string> kept;
  std::set_difference(after.begin(), after.end(), remove.begin(), remove.end(),
                      std::back_inserter(kept));
  return kept;
}

Verdict JudgeApply(const KeyState* now, const KeyChange& planned) {
  // The fingerprint is the state itself, compared exactly: revoked or not, the raw roles
  // (in any order, duplicates kept) and the set of scopes.
  if (now == nullptr || now->revoked || !now->unreadable.empty()) return Verdict::kChangedSince;
  std::vector<std::string> now_roles, planned_roles, now_scopes, planned_scopes;
  if (Sorted(now->roles, now_roles, false) != Sorted(planned.planned_roles, planned_roles, false)) {
    return Verdict::kChangedSince;
  }
  const auto& scopes = Sorted(now->scopes, now_scopes, true);
  const auto& before = Sorted(planned.planned_scopes, planned_scopes, true);
  if (scopes == before) return Verdict::kWrite;
  if (scopes == StateAfter(before, planned.add, planned.remove)) {
    return Verdict::kAlreadyDone;
  }
  return Verdict::kChangedSince;
}

Verdict JudgeRevert(const KeyState* now, const KeyChange& inverse, bool touched_later) {
  if (now == nullptr || touched_later || !now->unreadable.empty()) return Verdict::kChangedSince;
  const auto& scopes = now->scopes;
  auto present = [&scopes](const std::string& scope) {
    return std::binary_search(scopes.begin(), scopes.end(), scope);
  };
  const bool added_still_there = std::all_of(inverse.remove.begin(), inverse.remove.end(), present);
  const bool removed_still_gone = std::none_of(inverse.add.begin(), inverse.add.end(), present);
  return added_still_there && removed_still_gone ? Verdict::kWrite : Verdict::kChangedSince;
}

}  // namespace scope_migrate
