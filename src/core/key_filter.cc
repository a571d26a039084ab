#include "core/key_filter.h"

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

}  // namespace scope_migrate
