#include "core/key_filter.h"

#include "base/did_you_mean.h"
#include "base/errors.h"

namespace scope_migrate {

bool KeyFilter::Matches(const std::string& id, const std::string* tenant) const {
  if (!ids.empty()) {
    bool found = false;
    for (const auto& wanted : ids) found = found || wanted == id;
    if (!found) return false;
  }
  if (!tenants.empty()) {
    if (tenant == nullptr) return false;
    bool found = false;
    for (const auto& wanted : tenants) found = found || wanted == *tenant;
    if (!found) return false;
  }
  return true;
}

std::string KeyFilter::Describe() const {
  std::string out;
  for (const auto& tenant : tenants)
    out += (out.empty() ? "" : " ") + std::string("--tenant ") + tenant;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + std::string("--key ") + id;
  return out;
}

namespace {

constexpr size_t kMaxTenantsSeen = 100000;  // suggestions come from at most this many names

std::string Quoted(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "\"" : ", \"") + v + "\"";
  return out;
}

}  // namespace

FilterTally::FilterTally(const KeyFilter& filter)
    : filter_(filter), tenant_hit_(filter.tenants.size()), id_hit_(filter.ids.size()) {}

void FilterTally::See(const std::string& id, const std::string* tenant) {
  for (size_t i = 0; i < filter_.ids.size(); ++i) id_hit_[i] = id_hit_[i] || filter_.ids[i] == id;
  if (tenant != nullptr) {
    for (size_t i = 0; i < filter_.tenants.size(); ++i)
      tenant_hit_[i] = tenant_hit_[i] || filter_.tenants[i] == *tenant;
    if (tenants_seen_.size() < kMaxTenantsSeen) tenants_seen_.insert(*tenant);
  }
  selected_ += filter_.Matches(id, tenant);
}

FilterMisses FilterTally::Misses() const {
  FilterMisses misses;
  for (size_t i = 0; i < filter_.tenants.size(); ++i)
    if (!tenant_hit_[i]) misses.tenants.push_back(filter_.tenants[i]);
  for (size_t i = 0; i < filter_.ids.size(); ++i)
    if (!id_hit_[i]) misses.ids.push_back(filter_.ids[i]);
  misses.tenants_seen.assign(tenants_seen_.begin(), tenants_seen_.end());
  misses.none_selected = !filter_.empty() && selected_ == 0;
  return misses;
}

void RefuseUnmatched(const FilterMisses& misses, const KeyFilter& filter,
                     const std::string& where) {
  std::string message;
  if (!misses.tenants.empty()) {
    message = "--tenant " + Quoted(misses.tenants) + " matched no key in " + where;
    std::vector<std::string> hints;
    for (const auto& tenant : misses.tenants) {
      const auto near = DidYouMean(tenant, misses.tenants_seen);
      if (near) hints.push_back(*near);
    }
    if (!hints.empty()) message += " (did you mean " + Quoted(hints) + "?)";
  }
  if (!misses.ids.empty()) {
    message += (message.empty() ? "" : "; ") + std::string("--key ") + Quoted(misses.ids) +
               " matched no key in " + where;
  }
  if (message.empty() && misses.none_selected)
    message = filter.Describe() + ": each value matches a key, but no key matches them together";
  if (message.empty()) return;
  throw ToolError(kExitFilterMatchedNothing, message + "; nothing was planned or written");
}

}  // namespace scope_migrate
