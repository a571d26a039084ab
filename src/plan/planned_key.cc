#include "plan/planned_key.h"

#include <algorithm>
#include <iterator>

#include "base/json_text.h"

namespace scope_migrate {
namespace {

void AppendText(std::string& out, const char* field, const std::string& value) {
  out += field;
  AppendJsonString(out, value);
}

// Empty lists are left out (plan_format.h).
void AppendList(std::string& out, const char* field, const std::vector<std::string>& values) {
  if (values.empty()) return;
  out += field;
  AppendJsonStringArray(out, values);
}

// ,"override":{"add":[..],"remove":[..],"reason":"..","allow_write":true}: both lists
// always (possibly empty), allow_write only when true.
void AppendOverride(std::string& out, const KeyOverride& o) {
  out += ",\"override\":{\"add\":";
  AppendJsonStringArray(out, o.add);
  out += ",\"remove\":";
  AppendJsonStringArray(out, o.remove);
  AppendText(out, ",\"reason\":", o.reason);
  if (o.allow_write) out += ",\"allow_write\":true";
  out += '}';
}

}  // namespace

void AppendKeyLine(std::string& out, const PlannedKey& k) {
  const Decision& d = k.decision;
  out += "{\"type\":\"key\",\"id\":";
  AppendJsonString(out, k.key.id);
  if (k.key.tenant) AppendText(out, ",\"tenant\":", *k.key.tenant);
  if (k.key.name) AppendText(out, ",\"name\":", *k.key.name);
  out += ",\"status\":\"";
  out += StatusName(d.status);
  out += '"';
  if (!d.reason.empty()) AppendText(out, ",\"reason\":", d.reason);
  AppendList(out, ",\"roles\":", k.key.roles);
  AppendList(out, ",\"current\":", d.current);
  AppendList(out, ",\"add\":", d.add);
  AppendList(out, ",\"extra\":", d.extra);
  if (d.override) AppendOverride(out, *d.override);
  out += "}";
}

void DeriveLists(PlanKeyLine& k, bool prune) {
  if (prune && k.status == Status::kChange) {
    k.remove = k.extra;
  } else if (k.override && k.status == Status::kChange) {
    std::set_intersection(k.extra.begin(), k.extra.end(), k.override->remove.begin(),
                          k.override->remove.end(), std::back_inserter(k.remove));
  }
  std::vector<std::string> kept;
  std::set_difference(k.current.begin(), k.current.end(), k.extra.begin(), k.extra.end(),
                      std::back_inserter(kept));
  std::merge(kept.begin(), kept.end(), k.add.begin(), k.add.end(), std::back_inserter(k.target));
}

RecordedKey RecordedKeyOf(const PlanKeyLine& line) {
  RecordedKey out;
  KeyRecord& key = out.key;
  key.id = line.id;
  key.tenant = line.tenant;
  key.name = line.name;
  key.revoked = line.status == Status::kSkipped;  // Decide skips exactly the revoked keys
  key.roles = line.roles;
  key.scopes = line.current;
  Decision& decision = out.decision;
  decision.status = line.status;
  decision.reason = line.reason;
  decision.current = line.current;
  decision.target = line.target;
  decision.add = line.add;
  decision.extra = line.extra;
  decision.remove = line.remove;
  decision.override = line.override;
  return out;
}

KeyChange KeyChangeOf(PlanKeyLine&& line) {
  KeyChange change;
  change.id = std::move(line.id);
  change.line = line.line;
  change.add = std::move(line.add);
  change.remove = std::move(line.remove);
  change.planned_roles = std::move(line.roles);
  change.planned_scopes = std::move(line.current);
  return change;
}

}  // namespace scope_migrate
