#include "plan_file.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "errors.h"
#include "fingerprint.h"
#include "sha256.h"

namespace scope_migrate {
namespace {

using Json = nlohmann::json;

// Key lines are by far the most; only the summary line starts like this.
bool IsSummaryLine(const std::string& line) {
  static const std::string kPrefix = "{\"type\":\"summary\",";
  return line.compare(0, kPrefix.size(), kPrefix) == 0;
}

ToolError BadPlan(const std::string& path, int line, const std::string& message) {
  return InputError(path, line, 1, message);
}

Json ParseLine(const std::string& path, int number, const std::string& text) {
  try {
    Json j = Json::parse(text);
    if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
      throw BadPlan(path, number, "not a plan line (no \"type\")");
    }
    return j;
  } catch (const Json::exception& e) {
    throw BadPlan(path, number, std::string("not valid JSON: ") + e.what());
  }
}

std::vector<std::string> Strings(const std::string& path, int number, const Json& j,
                                 const char* field) {
  if (!j.contains(field) || !j[field].is_array()) {
    throw BadPlan(path, number, std::string("\"") + field + "\" must be a list");
  }
  std::vector<std::string> out;
  for (const auto& item : j[field]) {
    if (!item.is_string())
      throw BadPlan(path, number, std::string("\"") + field + "\" must hold strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string Text(const std::string& path, int number, const Json& j, const char* field) {
  if (!j.contains(field) || !j[field].is_string()) {
    throw BadPlan(path, number, std::string("\"") + field + "\" must be a string");
  }
  return j[field].get<std::string>();
}

Status ParseStatus(const std::string& path, int number, const std::string& name) {
  for (Status s :
       {Status::kChange, Status::kUnchanged, Status::kDrift, Status::kBlocked, Status::kSkipped}) {
    if (name == StatusName(s)) return s;
  }
  throw BadPlan(path, number, "unknown status \"" + name + "\"");
}

PlanKeyLine ParseKey(const std::string& path, int number, const Json& j) {
  if (j["type"] != "key")
    throw BadPlan(path, number, "expected a key line, found " + j["type"].dump());
  PlanKeyLine k;
  k.line = number;
  k.id = Text(path, number, j, "id");
  if (j.contains("tenant") && j["tenant"].is_string()) k.tenant = j["tenant"].get<std::string>();
  k.status = ParseStatus(path, number, Text(path, number, j, "status"));
  k.reason = Text(path, number, j, "reason");
  k.roles = Strings(path, number, j, "roles");
  k.current = Strings(path, number, j, "current");
  k.target = Strings(path, number, j, "target");
  k.add = Strings(path, number, j, "add");
  k.remove = Strings(path, number, j, "remove");
  k.fingerprint = Text(path, number, j, "fingerprint");
  if (k.status == Status::kChange && k.fingerprint != Fingerprint(false, k.roles, k.current)) {
    throw BadPlan(path, number,
                  "key " + k.id + ": fingerprint does not match its roles and scopes");
  }
  return k;
}

}  // namespace

PlanFile PlanFile::Open(const std::string& path, const KeyFilter& filter) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, 0, "cannot read the plan file");
  PlanFile plan;
  plan.path_ = path;
  plan.filter_ = filter;
  plan.copy_.reset(std::tmpfile(), [](std::FILE* f) {
    if (f != nullptr) std::fclose(f);
  });
  if (!plan.copy_)
    throw RuntimeFailure("cannot create a temporary file for the plan's verified copy");
  auto keep = [&plan, &path](const std::string& line) {
    if (std::fwrite(line.data(), 1, line.size(), plan.copy_.get()) != line.size() ||
        std::fputc('\n', plan.copy_.get()) == EOF) {
      throw RuntimeFailure("cannot copy the plan file " + path +
                           " to a temporary file (disk full?)");
    }
  };
  Sha256 hasher;
  std::string line;
  int number = 0;
  std::optional<Json> summary;
  int summary_line = 0;
  uint64_t all_keys = 0;
  while (std::getline(in, line)) {
    ++number;
    if (in.eof())
      throw BadPlan(path, number, "the last line is not complete: the file is truncated");
    if (summary) throw BadPlan(path, number, "a line follows the summary: the file was edited");
    if (number == 1) {
      const Json h = ParseLine(path, number, line);
      if (h["type"] != "header") throw BadPlan(path, 1, "the first line is not the plan header");
      if (!h.contains("format_version") || !h["format_version"].is_number_integer()) {
        throw BadPlan(path, 1, "the header has no format_version");
      }
      if (h["format_version"] != 1) {
        throw BadPlan(path, 1,
                      "plan format_version " + h["format_version"].dump() +
                          " is not supported by this version (it reads version 1)");
      }
      plan.header_.tool_version = Text(path, 1, h, "tool_version");
      plan.header_.mapping_sha256 = Text(path, 1, h, "mapping_sha256");
      plan.header_.catalog_sha256 = Text(path, 1, h, "catalog_sha256");
      const auto cutoff = ParseRfc3339(Text(path, 1, h, "cutoff"));
      if (!cutoff) throw BadPlan(path, 1, "the header's cutoff is not an RFC 3339 instant");
      plan.header_.cutoff = *cutoff;
      if (!h.contains("prune") || !h["prune"].is_boolean())
        throw BadPlan(path, 1, "\"prune\" must be true or false");
      plan.header_.prune = h["prune"].get<bool>();
      plan.header_.source = Text(path, 1, h, "source");
      if (h.contains("filter") && h["filter"].is_object()) {
        KeyFilter planned;
        for (const char* field : {"tenant", "key"}) {
          auto& list = std::string(field) == "tenant" ? planned.tenants : planned.ids;
          if (h["filter"].contains(field)) list = Strings(path, 1, h["filter"], field);
        }
        plan.header_.filter = planned.Describe();
      }
      keep(line);
      hasher.Update(line);
      hasher.Update("\n");
      continue;
    }
    if (IsSummaryLine(line)) {
      summary = ParseLine(path, number, line);
      summary_line = number;
      continue;
    }
    keep(line);
    hasher.Update(line);
    hasher.Update("\n");
    // Every line is parsed now, not only when applying, so a plan that cannot be read to
    // the end is refused before the first batch is written.
    const PlanKeyLine key = ParseKey(path, number, ParseLine(path, number, line));
    ++all_keys;
    if (!filter.Matches(key.id, key.tenant ? &*key.tenant : nullptr)) continue;
    ++plan.counts_.keys;
    plan.counts_.change += key.status == Status::kChange;
    plan.counts_.blocked += key.status == Status::kBlocked;
  }
  if (number == 0) throw BadPlan(path, 0, "the plan file is empty");
  if (!summary) throw BadPlan(path, number, "no summary line: the file is truncated");
  const std::string digest = hasher.HexDigest();
  if (!summary->contains("sha256") || (*summary)["sha256"] != digest) {
    throw BadPlan(path, summary_line,
                  "the summary's sha256 does not match the file's content: the plan file was "
                  "edited or damaged (expected " +
                      digest + ")");
  }
  plan.sha256_ = digest;
  if (!summary->contains("keys_read") || (*summary)["keys_read"] != all_keys) {
    throw BadPlan(
        path, summary_line,
        "the summary's keys_read does not match the " + std::to_string(all_keys) + " key lines");
  }
  return plan;
}

void PlanFile::ForEachKey(const std::function<void(const PlanKeyLine&)>& visit) const {
  std::FILE* in = copy_.get();
  std::rewind(in);
  char* buffer = nullptr;
  size_t capacity = 0;
  std::unique_ptr<char*, void (*)(char**)> release(&buffer, [](char** b) { std::free(*b); });
  std::string line;
  int number = 0;
  for (ssize_t length; (length = getline(&buffer, &capacity, in)) > 0;) {
    ++number;
    line.assign(buffer, static_cast<size_t>(length) - 1);  // every copied line ends in \n
    if (number == 1) continue;
    const PlanKeyLine key = ParseKey(path_, number, ParseLine(path_, number, line));
    if (!filter_.Matches(key.id, key.tenant ? &*key.tenant : nullptr)) continue;
    visit(key);
  }
}

}  // namespace scope_migrate
