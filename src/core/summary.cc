#include "core/summary.h"

namespace scope_migrate {

void Summary::Add(const Decision& d, const Catalog& catalog) {
  ++Count(d.status);
  if (d.status == Status::kExcluded) return;  // not read as a legacy key
  ++keys_read;
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

uint64_t Summary::Count(Status status) const { return const_cast<Summary*>(this)->Count(status); }

uint64_t& Summary::Count(Status status) {
  uint64_t* const counters[] = {&change,  &unchanged, &drift,
                                &blocked, &skipped,   &excluded_post_cutoff};  // enum order
  return *counters[static_cast<int>(status)];
}

}  // namespace scope_migrate
