#include "plan/fleet_index.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <set>

#include "base/errors.h"
#include "base/json_text.h"
#include "base/yaml_util.h"
#include "core/target_name.h"

namespace scope_migrate {
namespace {

using nlohmann::json;

const char* const kCounts[] = {"keys_read", "change",  "unchanged",     "drift",
                               "blocked",   "skipped", "scopes_to_add", "scopes_to_remove"};

// The counter `name` of `s` (const or not).
template <typename S>
auto CountField(S& s, const std::string& name) -> decltype(&s.keys_read) {
  decltype(&s.keys_read) fields[] = {&s.keys_read,     &s.change,          &s.unchanged,
                                     &s.drift,         &s.blocked,         &s.skipped,
                                     &s.scopes_to_add, &s.scopes_to_remove};
  for (size_t i = 0; i < std::size(kCounts); ++i) {
    if (name == kCounts[i]) return fields[i];
  }
  return nullptr;
}

json SummaryJson(const FleetPlanSummary& s) {
  json out = json::object();
  for (const char* name : kCounts) out[name] = *CountField(s, name);
  out["privileged_grants"] = s.privileged_grants;
  return out;
}

bool IsSha256(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

class IndexReader {
 public:
  explicit IndexReader(std::string path) : path_(std::move(path)) {}

  std::vector<FleetEntry> Read() {
    const std::string text = ReadInputFile(path_);
    if (const size_t at = JsonNestingPastLimit(text); at != std::string::npos) {
      throw TooDeep(text, at);
    }
    json root;
    try {
      root = json::parse(text);
    } catch (const json::exception& e) {
      throw Invalid(std::string("not JSON (") + e.what() + ")");
    }
    if (!root.is_object() || root.value("format", json()) != kFleetIndexFormat) {
      throw Invalid(std::string("not a fleet index (format \"") + kFleetIndexFormat + "\")");
    }
    const json& targets = root.value("targets", json());
    if (!targets.is_array() || targets.empty()) throw Invalid("no targets");
    std::vector<FleetEntry> entries;
    std::set<std::string> names;
    for (const json& item : targets) {
      entries.push_back(Entry(item));
      if (!names.insert(entries.back().name).second) {
        throw Invalid("target " + entries.back().name + " is listed twice");
      }
    }
    return entries;
  }

 private:
  ToolError Invalid(const std::string& why) const {
    return InputError(path_, 0, 0, why + "; make the fleet plan again with plan --targets");
  }

  // Refused before parsing: nlohmann's tree of 100,000 levels overflows the stack.
  ToolError TooDeep(const std::string& text, size_t at) const {
    int line = 1, column = 1;
    for (size_t i = 0; i < at; ++i) {
      column = text[i] == '\n' ? 1 : column + 1;
      if (text[i] == '\n') ++line;
    }
    return InputError(path_, line, column,
                      "arrays and objects nested deeper than " + std::to_string(kMaxJsonNesting) +
                           " levels; make the fleet plan again with plan --targets");
  }

  std::string Text(const json& item, const char* field, const std::string& who) const {
    const json& value = item.value(field, json());
    if (!value.is_string()) throw Invalid(who + " has no " + field);
    return value.get<std::string>();
  }

  std::optional<std::string> Optional(const json& item, const char* field,
                                      const std::string& who) const {
    if (!item.contains(field) || item[field].is_null()) return std::nullopt;
    return Text(item, field, who);
  }

  FleetEntry Entry(const json& item) const {
    if (!item.is_object()) throw Invalid("a target is not an object");
    FleetEntry e;
    e.name = Text(item, "name", "a target");
    if (!IsTargetName(e.name)) throw Invalid("a target's name is not a-z, 0-9 and \"-\"");
    const std::string who = "target " + e.name;
    if (Text(item, "plan", who) != e.PlanFileName()) {
      throw Invalid(who + "'s plan is not " + e.PlanFileName());
    }
    e.sha256 = Text(item, "sha256", who);
    if (!IsSha256(e.sha256)) throw Invalid(who + "'s sha256 is not 64 hex digits");
    e.db = Optional(item, "db", who);
    e.service = Optional(item, "service", who);
    if (e.db.has_value() == e.service.has_value()) {
      throw Invalid(who + " needs one of db and service");
    }
    e.layout = Optional(item, "layout", who);
    e.source = Optional(item, "source", who).value_or("");
    Summary(item.value("summary", json()), who, e.summary);
    return e;
  }

  void Summary(const json& summary, const std::string& who, FleetPlanSummary& out) const {
    if (!summary.is_object()) throw Invalid(who + " has no summary");
    for (const char* name : kCounts) {
      const json& value = summary.value(name, json());
      if (!value.is_number_unsigned()) throw Invalid(who + "'s summary has no " + name);
      *CountField(out, name) = value.get<uint64_t>();
    }
    const json& grants = summary.value("privileged_grants", json::object());
    if (!grants.is_object()) throw Invalid(who + "'s privileged_grants is not an object");
    for (const auto& [scope, keys] : grants.items()) {
      if (!keys.is_number_unsigned()) throw Invalid(who + "'s privileged_grants is not counts");
      out.privileged_grants[scope] = keys.get<uint64_t>();
    }
  }

  std::string path_;
};

}  // namespace

uint64_t FleetPlanSummary::PrivilegedGrants() const {
  uint64_t total = 0;
  for (const auto& [scope, keys] : privileged_grants) total += keys;
  return total;
}

void FleetPlanSummary::Add(const FleetPlanSummary& other) {
  for (const char* name : kCounts) {
    *CountField(*this, name) += *CountField(other, name);
  }
  for (const auto& [scope, keys] : other.privileged_grants) privileged_grants[scope] += keys;
}

namespace {

std::string InDir(const std::string& dir, const std::string& file) {
  return dir + (!dir.empty() && dir.back() == '/' ? "" : "/") + file;
}

}  // namespace

std::string IndexPath(const std::string& dir) { return InDir(dir, "index.json"); }

std::string PlanPathIn(const std::string& dir, const std::string& name) {
  return InDir(dir, name + ".jsonl");
}

const FleetEntry& EntryNamed(const std::vector<FleetEntry>& index, const std::string& name) {
  for (const FleetEntry& entry : index) {
    if (entry.name == name) return entry;
  }
  throw RuntimeFailure("no target " + name + " in the fleet's index");
}

std::string FleetIndexJson(const std::vector<FleetEntry>& entries) {
  json targets = json::array();
  for (const FleetEntry& e : entries) {
    json item = {{"name", e.name}, {"plan", e.PlanFileName()}, {"sha256", e.sha256}};
    if (e.db) item["db"] = *e.db;
    if (e.service) item["service"] = *e.service;
    item["layout"] = e.layout ? json(*e.layout) : json();
    item["source"] = e.source;
    item["summary"] = SummaryJson(e.summary);
    targets.push_back(item);
  }
  return json{{"format", kFleetIndexFormat}, {"targets", targets}}.dump(2) + "\n";
}

std::vector<FleetEntry> ReadFleetIndex(const std::string& dir) {
  return IndexReader(IndexPath(dir)).Read();
}

bool IsFleetDirectory(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode) &&
         stat(IndexPath(path).c_str(), &info) == 0;
}

}  // namespace scope_migrate
