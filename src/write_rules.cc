#include "write_rules.h"

#include <algorithm>
#include <iterator>

#include "fingerprint.h"

namespace scope_migrate {

std::vector<std::string> StateAfter(const std::vector<std::string>& current,
                                    const std::vector<std::string>& add,
                                    const std::vector<std::string>& remove) {
  std::vector<std::string> after = current;
  after.insert(after.end(), add.begin(), add.end());
  std::sort(after.begin(), after.end());
  after.erase(std::unique(after.begin(), after.end()), after.end());
  std::vector<std::string> kept;
  std::set_difference(after.begin(), after.end(), remove.begin(), remove.end(),
                      std::back_inserter(kept));
  return kept;
}

Verdict JudgeApply(const KeyState* now, const KeyChange& planned) {
  if (now == nullptr) return Verdict::kChangedSince;
  const std::string fingerprint = Fingerprint(now->revoked, now->roles, now->scopes);
  if (fingerprint == Fingerprint(false, planned.planned_roles, planned.planned_scopes)) {
    return Verdict::kWrite;
  }
  const auto after = StateAfter(planned.planned_scopes, planned.add, planned.remove);
  if (fingerprint == Fingerprint(false, planned.planned_roles, after)) return Verdict::kAlreadyDone;
  return Verdict::kChangedSince;
}

Verdict JudgeRevert(const KeyState* now, const KeyChange& inverse, bool touched_later) {
  if (now == nullptr || touched_later) return Verdict::kChangedSince;
  const auto& scopes = now->scopes;
  auto present = [&scopes](const std::string& scope) {
    return std::binary_search(scopes.begin(), scopes.end(), scope);
  };
  const bool added_still_there = std::all_of(inverse.remove.begin(), inverse.remove.end(), present);
  const bool removed_still_gone = std::none_of(inverse.add.begin(), inverse.add.end(), present);
  return added_still_there && removed_still_gone ? Verdict::kWrite : Verdict::kChangedSince;
}

}  // namespace scope_migrate
