// The header and summary go through nlohmann::json; the key lines are written by hand
// (planned_key.cc), since they are most of the bytes.
#include "plan/plan_writer.h"

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "plan/plan_format.h"
#include "plan/planned_key.h"

namespace scope_migrate {

namespace {

nlohmann::ordered_json MatrixJson(const RoleMatrix& m) {
  nlohmann::ordered_json roles = nlohmann::ordered_json::array();
  for (const auto& role : m.roles) {
    roles.push_back({{"name", role.name},
                     {"read_only", role.read_only},
                     {"scopes", role.scopes},
                     {"aliases", role.aliases}});
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
    j["format_version"] = PlanFormatVersionFor(h);
    j["tool_version"] = h.tool_version;
    j["tool_commit"] = h.tool_commit;
    j["mapping_sha256"] = h.mapping_sha256;
    j["catalog_sha256"] = h.catalog_sha256;
    j["cutoff"] = FormatUtc(h.cutoff);
    if (h.mapping_cutoff) j["mapping_cutoff"] = FormatUtc(*h.mapping_cutoff);
    if (h.excluded_post_cutoff) j["excluded_post_cutoff"] = *h.excluded_post_cutoff;
    j["prune"] = h.prune;
    j["source"] = h.source;
    if (!h.identity.system_identifier.empty())
      j["system_identifier"] = h.identity.system_identifier;
    if (!h.identity.database.empty()) j["database"] = h.identity.database;
    j["partial"] = !h.filter.empty();
    if (!h.filter.empty()) j["filter"] = {{"tenant", h.filter.tenants}, {"key", h.filter.ids}};
    if (!h.mapping.empty()) j["mapping"] = MatrixJson(h.mapping);
    if (h.overrides) {
      j["overrides"] = {{"file", h.overrides->file},
                        {"sha256", h.overrides->sha256},
                        {"applied", h.overrides->applied},
                        {"ignored", h.overrides->ignored}};
    }
    filter_ = h.filter;
    Emit(j.dump());
  }

  void WriteKey(const PlannedKey& k) override {
    line_.clear();
    AppendKeyLine(line_, k);
    Emit(line_);
  }

  void WriteSummary(const Summary& s) override {
    nlohmann::ordered_json j;
    j["type"] = "summary";
    j["keys_read"] = s.keys_read;
    for (Status status : kListedStatuses) j[StatusName(status)] = s.Count(status);
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
