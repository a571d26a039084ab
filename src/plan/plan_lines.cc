#include "plan/plan_lines.h"

#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "base/json_text.h"

namespace scope_migrate {

using Json = nlohmann::json;

namespace {

ToolError BadPlan(const std::string& path, int line, const std::string& message) {
  return InputError(path, line, 1, message);
}

}  // namespace

// Field readers: each names the plan file, line and field in its error.
class LineReader {
 public:
  LineReader(const std::string& path, int number, const std::string& text)
      : path_(path), number_(number) {
    // The first line decides whether this is a plan file at all: a mapping, a report or a
    // binary file gets that said, not the JSON parser's words.
    const std::string not_a_plan =
        "not a scope-migrate plan file: its first line is not a plan header (plan files are "
        "the JSON Lines written by `scope-migrate plan --out FILE`)";
    if (const size_t at = JsonNestingPastLimit(text); at != std::string::npos) {
      throw InputError(path_, number_, static_cast<int>(at) + 1,
                       "arrays and objects nested deeper than " + std::to_string(kMaxJsonNesting) +
                           " levels: not a plan line");
    }
    try {
      json_ = Json::parse(text);
    } catch (const Json::parse_error& e) {
      throw Error(number_ == 1 ? not_a_plan
                               : "not valid JSON (at byte " + std::to_string(e.byte) + ")");
    } catch (const Json::exception&) {
      throw Error(number_ == 1 ? not_a_plan : "not valid JSON");
    }
    if (!json_.is_object() || !json_.contains("type") || !json_["type"].is_string()) {
      throw Error(number_ == 1 ? not_a_plan : "not a plan line (no \"type\")");
    }
  }

  const Json& json() const { return json_; }
  std::string Type() const { return json_["type"].get<std::string>(); }
  ToolError Error(const std::string& message) const { return BadPlan(path_, number_, message); }

  std::string Text(const char* field) const { return Text(json_, field); }
  std::string Text(const Json& j, const char* field) const {
    if (!j.contains(field) || !j[field].is_string()) {
      throw Error(std::string("\"") + field + "\" must be a string");
    }
    return j[field].get<std::string>();
  }

  std::vector<std::string> Strings(const char* field) const { return Strings(json_, field); }
  std::vector<std::string> Strings(const Json& j, const char* field) const {
    if (!j.contains(field) || !j[field].is_array()) {
      throw Error(std::string("\"") + field + "\" must be a list");
    }
    std::vector<std::string> out;
    for (const auto& item : j[field]) {
      if (!item.is_string()) throw Error(std::string("\"") + field + "\" must hold strings");
      out.push_back(item.get<std::string>());
    }
    return out;
  }

 private:
  std::string path_;
  int number_;
  Json json_;
};

namespace {

RoleMatrix ParseMatrix(const LineReader& in, const Json& j) {
  if (!j.is_object() || !j.contains("roles") || !j["roles"].is_array()) {
    throw in.Error("\"mapping\" must be an object with \"roles\"");
  }
  RoleMatrix m;
  m.scopes = in.Strings(j, "scopes");
  m.privileged = in.Strings(j, "privileged");
  for (const Json& role : j["roles"]) {
    if (!role.is_object() || !role.contains("read_only") || !role["read_only"].is_boolean()) {
      throw in.Error("each role of \"mapping\" needs \"name\", \"read_only\" and \"scopes\"");
    }
    m.roles.push_back(
        {in.Text(role, "name"), role["read_only"].get<bool>(), in.Strings(role, "scopes"),
         role.contains("aliases") ? in.Strings(role, "aliases") : std::vector<std::string>{}});
  }
  return m;
}

uint64_t Count(const LineReader& in, const Json& j, const char* field) {
  if (!j.contains(field) || !j[field].is_number_unsigned()) {
    throw in.Error(std::string("\"") + field + "\" must be a count");
  }
  return j[field].get<uint64_t>();
}

// The summary line as the reports print it; its checksum is verified separately.
Summary ParseSummary(const LineReader& in) {
  const Json& j = in.json();
  Summary s;
  s.keys_read = Count(in, j, "keys_read");
  for (Status status : kListedStatuses) s.Count(status) = Count(in, j, StatusName(status));
  const std::pair<const char*, uint64_t Summary::*> counts[] = {
      {"excluded_post_cutoff", &Summary::excluded_post_cutoff},
      {"scopes_to_add", &Summary::scopes_to_add},
      {"scopes_to_remove", &Summary::scopes_to_remove}};
  for (const auto& [field, member] : counts) s.*member = Count(in, j, field);
  for (const char* field : {"by_role", "by_scope", "privileged_grants"}) {
    if (!j.contains(field) || !j[field].is_object()) {
      throw in.Error(std::string("\"") + field + "\" must be an object");
    }
  }
  for (const auto& [role, count] : j["by_role"].items())
    s.by_role[role] = Count(in, j["by_role"], role.c_str());
  for (const auto& [scope, c] : j["by_scope"].items()) {
    s.by_scope[scope] = {Count(in, c, "add"), Count(in, c, "remove")};
  }
  for (const auto& [scope, keys] : j["privileged_grants"].items()) {
    s.privileged_grants[scope] = Count(in, j["privileged_grants"], scope.c_str());
  }
  return s;
}

OverridesRecord ParseOverridesRecord(const LineReader& in, const Json& j) {
  if (!j.is_object()) throw in.Error("\"overrides\" must be an object");
  OverridesRecord out;
  out.file = in.Text(j, "file");
  out.sha256 = in.Text(j, "sha256");
  out.applied = Count(in, j, "applied");
  out.ignored = Count(in, j, "ignored");
  return out;
}

PlanHeader ParseHeader(const LineReader& in) {
  const Json& h = in.json();
  if (in.Type() != "header") throw in.Error("the first line is not the plan header");
  if (!h.contains("format_version") || !h["format_version"].is_number_integer()) {
    throw in.Error("the header has no format_version");
  }
  const Json& version = h["format_version"];  // compared as JSON: no overflow
  if (version < kOldestPlanFormatVersion || version > kPlanFormatVersion) {
    throw in.Error("plan format_version " + h["format_version"].dump() +
                   " is not supported by this version (it reads versions " +
                   std::to_string(kOldestPlanFormatVersion) + " to " +
                   std::to_string(kPlanFormatVersion) + ")");
  }
  PlanHeader header;
  header.tool_version = in.Text("tool_version");
  if (h.contains("tool_commit")) header.tool_commit = in.Text("tool_commit");
  header.mapping_sha256 = in.Text("mapping_sha256");
  header.catalog_sha256 = in.Text("catalog_sha256");
  const auto cutoff = ParseRfc3339(in.Text("cutoff"));
  if (!cutoff) {
    throw in.Error(std::string("the header's cutoff ") + (OutsideYears(in.Text("cutoff"))
                                                              ? kOutsideYears
                                                              : "is not an RFC 3339 instant"));
  }
  header.cutoff = *cutoff;
  if (h.contains("mapping_cutoff")) {
    header.mapping_cutoff = ParseRfc3339(in.Text("mapping_cutoff"));
    if (!header.mapping_cutoff)
      throw in.Error("the header's mapping_cutoff is not an RFC 3339 instant");
  }
  if (h.contains("excluded_post_cutoff")) {
    if (!h["excluded_post_cutoff"].is_number_unsigned()) {
      throw in.Error("the header's excluded_post_cutoff must be a count");
    }
    header.excluded_post_cutoff = h["excluded_post_cutoff"].get<uint64_t>();
  }
  if (!h.contains("prune") || !h["prune"].is_boolean()) {
    throw in.Error("\"prune\" must be true or false");
  }
  header.prune = h["prune"].get<bool>();
  header.source = in.Text("source");
  if (h.contains("system_identifier"))
    header.identity.system_identifier = in.Text("system_identifier");
  if (h.contains("database")) header.identity.database = in.Text("database");
  if (h.contains("filter") && h["filter"].is_object()) {
    const Json& filter = h["filter"];
    if (filter.contains("tenant")) header.filter.tenants = in.Strings(filter, "tenant");
    if (filter.contains("key")) header.filter.ids = in.Strings(filter, "key");
  }
  if (h.contains("mapping")) header.mapping = ParseMatrix(in, h["mapping"]);
  if (h.contains("overrides")) header.overrides = ParseOverridesRecord(in, h["overrides"]);
  if (header.overrides && version < 3) {
    throw in.Error("the header records overrides, which a plan of format_version " +
                   version.dump() + " cannot carry: the plan file was edited");
  }
  return header;
}

}  // namespace

PlanHeader ParseHeaderLine(const std::string& path, const std::string& text) {
  return ParseHeader(LineReader(path, 1, text));
}

SummaryLine::SummaryLine(const std::string& path, int number, const std::string& text)
    : line_(std::make_unique<LineReader>(path, number, text)), path_(path), number_(number) {}

SummaryLine::~SummaryLine() = default;

Summary SummaryLine::Verify(const std::string& digest, uint64_t key_lines) const {
  const Json& s = line_->json();
  if (!s.contains("sha256") || s["sha256"] != digest) {
    throw BadPlan(path_, number_,
                  "the summary's sha256 does not match the file's content: the plan file was "
                  "edited or damaged (expected " +
                      digest + ")");
  }
  if (!s.contains("keys_read") || s["keys_read"] != key_lines) {
    throw BadPlan(
        path_, number_,
        "the summary's keys_read does not match the " + std::to_string(key_lines) + " key lines");
  }
  Summary summary = ParseSummary(*line_);
  summary.plan_sha256 = digest;
  return summary;
}

}  // namespace scope_migrate
