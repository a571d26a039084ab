#include "plan/overrides_suggestion.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "base/json_text.h"

namespace scope_migrate {
namespace {

bool IsWrite(const std::string& scope) {
  return scope.size() >= 6 && scope.compare(scope.size() - 6, 6, "-write") == 0;
}

// The entry of `endpoint` to add: fewest privileged, fewest -write, fewest scopes, first.
const ScopeEntry& BestEntry(const Endpoint& endpoint, const Catalog& catalog) {
  auto rank = [&](const ScopeEntry& entry) {
    size_t privileged = 0, write = 0;
    for (const std::string& scope : entry) {
      privileged += catalog.IsPrivileged(scope) ? 1 : 0;
      write += IsWrite(scope) ? 1 : 0;
    }
    return std::make_tuple(privileged, write, entry.size(), entry);
  };
  const ScopeEntry* best = &endpoint.scopes.front();
  for (const ScopeEntry& entry : endpoint.scopes) {
    if (rank(entry) < rank(*best)) best = &entry;
  }
  return *best;
}

std::string Calls(uint64_t calls) {
  return std::to_string(calls) + (calls == 1 ? " call" : " calls");
}

// The adds for one key: each route in `routes` not yet satisfied by after + adds.
void AddFor(const Endpoint& endpoint, uint64_t calls, const KeyReplay& key,
            const Catalog& catalog, std::set<std::string>& add, std::string& reason) {
  std::vector<std::string> held(key.key->after.begin(), key.key->after.end());
  held.insert(held.end(), add.begin(), add.end());
  std::sort(held.begin(), held.end());
  if (endpoint.AllowedBy(held)) return;
  for (const std::string& scope : BestEntry(endpoint, catalog)) {
    // Only what the key lacks: an override adding a scope it holds anyway is refused.
    if (!std::binary_search(key.key->after.begin(), key.key->after.end(), scope)) add.insert(scope);
  }
  reason += (reason.empty() ? "" : "; ") + endpoint.Route() + ": " + Calls(calls);
}

void AppendYamlList(std::string& out, const char* name, const std::vector<std::string>& values) {
  if (values.empty()) return;
  out += std::string("    ") + name + ": [";
  for (size_t i = 0; i < values.size(); ++i) out += (i > 0 ? ", " : "") + values[i];
  out += "]\n";
}

}  // namespace

std::vector<SuggestedOverride> SuggestOverrides(const ReplayResult& result,
                                                const EndpointCatalog& endpoints, bool narrow,
                                                const std::vector<bool>& read_only) {
  const Catalog& catalog = endpoints.catalog();
  std::vector<SuggestedOverride> out;
  for (size_t i = 0; i < result.keys.size(); ++i) {
    const KeyReplay& key = result.keys[i];
    std::set<std::string> add;
    std::string reason;
    const bool rescue = key.blocked_with_traffic && key.key->reason == "no roles";
    for (const RouteCalls& route : key.routes) {
      const Endpoint& endpoint = endpoints.endpoints()[route.endpoint];
      const bool denied = std::any_of(key.denied.begin(), key.denied.end(),
                                      [&](const DeniedRoute& d) { return d.route == endpoint.Route(); });
      if (endpoint.is_public || !(denied || rescue)) continue;
      AddFor(endpoint, route.calls, key, catalog, add, reason);
    }
    SuggestedOverride suggestion;
    suggestion.key = key.key->id;
    suggestion.add.assign(add.begin(), add.end());
    const bool judged = key.key->status == Status::kChange ||
                        key.key->status == Status::kUnchanged ||
                        key.key->status == Status::kDrift;
    if (narrow && judged && !key.routes.empty() && !key.suggested.scopes.empty()) {
      for (const std::string& scope : key.key->after) {
        const bool kept = std::binary_search(key.suggested.scopes.begin(),
                                             key.suggested.scopes.end(), scope);
        if (!kept && catalog.Find(scope) != nullptr) suggestion.remove.push_back(scope);
      }
    }
    if (suggestion.add.empty() && suggestion.remove.empty()) continue;
    const bool ro = i < read_only.size() && read_only[i];
    suggestion.needs_allow_write =
        ro && std::any_of(suggestion.add.begin(), suggestion.add.end(), [&](const std::string& s) {
          return IsWrite(s) || catalog.IsPrivileged(s);
        });
    if (!suggestion.add.empty()) suggestion.reason = "calls " + reason;
    if (!suggestion.remove.empty()) {
      suggestion.reason += std::string(suggestion.reason.empty() ? "" : "; ") +
                           "narrowed to the scopes its calls use";
    }
    if (suggestion.needs_allow_write) {
      suggestion.reason +=
          "; REVIEW: a read-only key would gain a write or privileged scope; a reviewer must "
          "decide and set allow_write: true (or drop this override)";
    }
    suggestion.reason += " (suggested by simulate)";
    out.push_back(std::move(suggestion));
  }
  return out;
}

std::string OverridesFileText(const std::vector<SuggestedOverride>& overrides, bool jsonl) {
  std::string out;
  if (!jsonl) {
    out = "# Suggested by scope-migrate simulate --suggest-overrides: review every entry, then\n"
          "# plan with --overrides this file.\nversion: 1\noverrides:";
    out += overrides.empty() ? " []\n" : "\n";
  }
  for (const SuggestedOverride& o : overrides) {
    if (jsonl) {
      out += "{\"key\":";
      AppendJsonString(out, o.key);
      if (!o.add.empty()) {
        out += ",\"add\":";
        AppendJsonStringArray(out, o.add);
      }
      if (!o.remove.empty()) {
        out += ",\"remove\":";
        AppendJsonStringArray(out, o.remove);
      }
      out += ",\"reason\":";
      AppendJsonString(out, o.reason);
      if (o.needs_allow_write) out += ",\"allow_write\":false";
      out += "}\n";
      continue;
    }
    out += "  - key: ";
    AppendJsonString(out, o.key);  // a JSON string is a YAML double-quoted scalar
    out += "\n";
    AppendYamlList(out, "add", o.add);
    AppendYamlList(out, "remove", o.remove);
    out += "    reason: ";
    AppendJsonString(out, o.reason);
    out += "\n";
    if (o.needs_allow_write) out += "    allow_write: false\n";
  }
  return out;
}

}  // namespace scope_migrate
