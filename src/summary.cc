#include "summary.h"

namespace scope_migrate {

void Summary::Add(const Decision& d, const Catalog& catalog) {
  ++keys_read;
  switch (d.status) {
    case Status::kChange:
      ++change;
      break;
    case Status::kUnchanged:
      ++unchanged;
      break;
    case Status::kDrift:
      ++drift;
      break;
    case Status::kBlocked:
      ++blocked;
      break;
    case Status::kSkipped:
      ++skipped;
      break;
    case Status::kExcluded:
      --keys_read;
      ++excluded_post_cutoff;
      return;
  }
  if (d.status == Status::kBlocked || d.status == Status::kSkipped) return;
  for (const auto& role : d.roles) ++by_role[role];
  scopes_to_add += d.add.size();
  scopes_to_remove += d.remove.size();
  for (const auto& scope : d.add) {
    ++by_scope[scope].add;
    if (catalog.IsPrivileged(scope)) ++privileged_grants[scope];
  }
  for (const auto& scope : d.remove) ++by_scope[scope].remove;
}

uint64_t Summary::Count(Status status) const {
  switch (status) {
    case Status::kChange:
      return change;
    case Status::kUnchanged:
      return unchanged;
    case Status::kDrift:
      return drift;
    case Status::kBlocked:
      return blocked;
    case Status::kSkipped:
      return skipped;
    case Status::kExcluded:
      return excluded_post_cutoff;
  }
  return 0;
}

}  // namespace scope_migrate
