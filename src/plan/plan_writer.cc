// Writes the plan file format (plan_format.h): the header and summary through
// nlohmann::json, the key lines by hand (they are most of the bytes).
#include <nlohmann/json.hpp>

#include "base/json_text.h"
#include "base/sha256.h"
#include "plan/plan_format.h"
#include "plan/report.h"

namespace scope_migrate {

namespace {

nlohmann::ordered_json MatrixJson(const RoleMatrix& m) {
  nlohmann::ordered_json roles = nlohmann::ordered_json::array();
  for (const auto& role : m.roles) {
    roles.push_back({{"name", role.name}, {"read_only", role.read_only}, {"scopes", role.scopes}});
  }
  return {{"scopes", m.scopes}, {"privileged", m.privileged}, {"roles", roles}};
}

class JsonlWriter : public PlanWriter {
 public:
  explicit JsonlWriter(std::ostream& out) : out_(out) {}

  const std::string& sha256() const override { return sha256_; }

  void WriteHeader(const PlanHeader& h) override {
    nlohmann::ordered_json j;
    j["type"] = "header";
    j["format_version"] = kPlanFormatVersion;
    j["tool_version"] = h.tool_version;
    j["tool_commit"] = h.tool_commit;
    j["mapping_sha256"] = h.mapping_sha256;
    j["catalog_sha256"] = h.catalog_sha256;
    j["cutoff"] = FormatUtc(h.cutoff);
    j["prune"] = h.prune;
    j["source"] = h.source;
    j["partial"] = !h.filter.empty();
    if (!h.filter.empty()) j["filter"] = {{"tenant", h.filter.tenants}, {"key", h.filter.ids}};
    if (!h.mapping.empty()) j["mapping"] = MatrixJson(h.mapping);
    filter_ = h.filter;
    Emit(j.dump());
  }

  void WriteKey(const PlannedKey& k) override {
    const Decision& d = k.decision;
    line_.assign("{\"type\":\"key\",\"id\":");
    AppendJsonString(line_, k.key.id);
    if (k.key.tenant) AppendText(",\"tenant\":", *k.key.tenant);
    if (k.key.name) AppendText(",\"name\":", *k.key.name);
    line_ += ",\"status\":\"";
    line_ += StatusName(d.status);
    line_ += '"';
    if (!d.reason.empty()) AppendText(",\"reason\":", d.reason);
    AppendList(",\"roles\":", k.key.roles);
    AppendList(",\"current\":", d.current);
    AppendList(",\"add\":", d.add);
    AppendList(",\"extra\":", d.extra);
    line_ += "}";
    Emit(line_);
  }

  void WriteSummary(const Summary& s) override {
    nlohmann::ordered_json j;
    j["type"] = "summary";
    j["keys_read"] = s.keys_read;
    j["change"] = s.change;
    j["unchanged"] = s.unchanged;
    j["drift"] = s.drift;
    j["blocked"] = s.blocked;
    j["skipped"] = s.skipped;
    j["excluded_post_cutoff"] = s.excluded_post_cutoff;
    j["scopes_to_add"] = s.scopes_to_add;
    j["scopes_to_remove"] = s.scopes_to_remove;
    j["by_role"] = nlohmann::ordered_json::object();
    for (const auto& [role, count] : s.by_role) j["by_role"][role] = count;
    j["by_scope"] = nlohmann::ordered_json::object();
    for (const auto& [scope, counts] : s.by_scope) {
      j["by_scope"][scope] = {{"add", counts.add}, {"remove", counts.remove}};
    }
    j["privileged_grants"] = nlohmann::ordered_json::object();
    for (const auto& [scope, keys] : s.privileged_grants) j["privileged_grants"][scope] = keys;
    j["partial"] = !filter_.empty();
    if (!filter_.empty()) j["filter"] = {{"tenant", filter_.tenants}, {"key", filter_.ids}};
    sha256_ = hasher_.HexDigest();
    j["sha256"] = sha256_;
    out_ << j.dump() << '\n';
    out_.flush();
  }

 private:
  void AppendText(const char* field, const std::string& value) {
    line_ += field;
    AppendJsonString(line_, value);
  }

  // Empty lists are left out (plan_format.h).
  void AppendList(const char* field, const std::vector<std::string>& values) {
    if (values.empty()) return;
    line_ += field;
    AppendJsonStringArray(line_, values);
  }

  void Emit(const std::string& line) {
    hasher_.Update(line);
    hasher_.Update("\n");
    out_ << line << '\n';
  }

  std::ostream& out_;
  Sha256 hasher_;
  std::string sha256_;
  std::string line_;
  KeyFilter filter_;
};

}  // namespace

std::unique_ptr<PlanWriter> MakeJsonlWriter(std::ostream& out) {
  return std::make_unique<JsonlWriter>(out);
}

}  // namespace scope_migrate
