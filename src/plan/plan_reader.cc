#include "plan/plan_reader.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "base/file_streams.h"
#include "base/sha256.h"
#include "plan/key_line_parser.h"

namespace scope_migrate {
namespace {

using Json = nlohmann::json;

bool IsSummaryLine(const std::string& line) {
  static const std::string kPrefix = kSummaryLinePrefix;
  return line.compare(0, kPrefix.size(), kPrefix) == 0;
}

ToolError BadPlan(const std::string& path, int line, const std::string& message) {
  return InputError(path, line, 1, message);
}

// Field readers: each names the plan file, line and field in its error.
class LineReader {
 public:
  LineReader(const std::string& path, int number, const std::string& text)
      : path_(path), number_(number) {
    try {
      json_ = Json::parse(text);
    } catch (const Json::exception& e) {
      throw Error(std::string("not valid JSON: ") + e.what());
    }
    if (!json_.is_object() || !json_.contains("type") || !json_["type"].is_string()) {
      throw Error("not a plan line (no \"type\")");
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
        {in.Text(role, "name"), role["read_only"].get<bool>(), in.Strings(role, "scopes")});
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
  const std::pair<const char*, uint64_t Summary::*> counts[] = {
      {"keys_read", &Summary::keys_read},
      {"change", &Summary::change},
      {"unchanged", &Summary::unchanged},
      {"drift", &Summary::drift},
      {"blocked", &Summary::blocked},
      {"skipped", &Summary::skipped},
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
  if (!cutoff) throw in.Error("the header's cutoff is not an RFC 3339 instant");
  header.cutoff = *cutoff;
  if (!h.contains("prune") || !h["prune"].is_boolean()) {
    throw in.Error("\"prune\" must be true or false");
  }
  header.prune = h["prune"].get<bool>();
  header.source = in.Text("source");
  if (h.contains("filter") && h["filter"].is_object()) {
    const Json& filter = h["filter"];
    if (filter.contains("tenant")) header.filter.tenants = in.Strings(filter, "tenant");
    if (filter.contains("key")) header.filter.ids = in.Strings(filter, "key");
  }
  if (h.contains("mapping")) header.mapping = ParseMatrix(in, h["mapping"]);
  return header;
}

bool Contains(const std::vector<std::string>& sorted, const std::string& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

// target = current - extra + add; remove = extra for a change key of a pruning plan.
void DeriveLists(PlanKeyLine& k, bool prune) {
  if (prune && k.status == Status::kChange) k.remove = k.extra;
  std::vector<std::string> kept;
  std::set_difference(k.current.begin(), k.current.end(), k.extra.begin(), k.extra.end(),
                      std::back_inserter(kept));
  std::merge(kept.begin(), kept.end(), k.add.begin(), k.add.end(), std::back_inserter(k.target));
}

// The lists must fit together as a decision made them: sorted, add and current disjoint,
// extra a part of current, and a "change" key has something to change.
class ListCheck {
 public:
  ListCheck(const std::string& path, const PlanKeyLine& k) : path_(path), k_(k) {}

  void Run() const {
    Sorted("roles", k_.roles, false);
    Sorted("current", k_.current, true);
    Sorted("add", k_.add, true);
    Sorted("extra", k_.extra, true);
    for (const auto& scope : k_.add) {
      if (Contains(k_.current, scope))
        throw Error("key " + k_.id + " adds \"" + scope + "\", which it has");
    }
    for (const auto& scope : k_.extra) {
      if (!Contains(k_.current, scope)) {
        throw Error("key " + k_.id + ": extra scope \"" + scope + "\" is not one of its scopes");
      }
    }
    if (k_.status == Status::kChange && k_.add.empty() && k_.remove.empty()) {
      throw Error("key " + k_.id + " is a change with nothing to add or remove");
    }
  }

 private:
  ToolError Error(const std::string& message) const { return BadPlan(path_, k_.line, message); }

  void Sorted(const char* field, const std::vector<std::string>& values, bool unique) const {
    for (size_t i = 1; i < values.size(); ++i) {
      if (values[i] < values[i - 1] || (unique && values[i] == values[i - 1])) {
        throw Error(std::string("\"") + field + "\" must be sorted" +
                    (unique ? " and unique" : ""));
      }
    }
  }

  const std::string& path_;
  const PlanKeyLine& k_;
};

PlanKeyLine ParseKeyLine(const std::string& path, int number, const std::string& text, bool prune) {
  PlanKeyLine k;
  ParseKeyLineFields(path, number, text, k);
  DeriveLists(k, prune);
  ListCheck(path, k).Run();
  return k;
}

// The verified copy: each key passing the filter as a record of length-prefixed fields, so
// applying reads back exactly what was verified without parsing JSON again.
class RecordWriter {
 public:
  RecordWriter(std::FILE* file, const std::string& path) : file_(file), path_(path) {}

  void Write(const PlanKeyLine& k) {
    record_.clear();
    Number(static_cast<uint32_t>(k.line));
    Number(static_cast<uint32_t>(k.status));
    Text(k.id);
    Optional(k.tenant);
    Optional(k.name);
    Text(k.reason);
    for (const auto* list : {&k.roles, &k.current, &k.add, &k.extra}) {
      Number(static_cast<uint32_t>(list->size()));
      for (const auto& value : *list) Text(value);
    }
    if (std::fwrite(record_.data(), 1, record_.size(), file_) != record_.size()) {
      throw RuntimeFailure("cannot copy the plan file " + path_ +
                           " to a temporary file (disk full?)");
    }
  }

 private:
  void Number(uint32_t value) {
    record_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void Text(const std::string& value) {
    Number(static_cast<uint32_t>(value.size()));
    record_.append(value);
  }
  void Optional(const std::optional<std::string>& value) {
    Number(value ? 1 : 0);
    if (value) Text(*value);
  }

  std::FILE* file_;
  const std::string& path_;
  std::string record_;  // one record, written at once
};

class RecordReader {
 public:
  explicit RecordReader(std::FILE* file) : file_(file) {}

  // False at the end of the copy.
  bool Read(PlanKeyLine& k, bool prune) {
    uint32_t line = 0;
    if (std::fread(&line, sizeof line, 1, file_) != 1) return false;
    k.line = static_cast<int>(line);
    k.status = static_cast<Status>(Number());
    Text(k.id);
    Optional(k.tenant);
    Optional(k.name);
    Text(k.reason);
    for (auto* list : {&k.roles, &k.current, &k.add, &k.extra}) {
      list->resize(Number());
      for (auto& value : *list) Text(value);
    }
    k.target.clear();
    k.remove.clear();
    DeriveLists(k, prune);
    return true;
  }

 private:
  void Bytes(void* data, size_t size) {
    if (size > 0 && std::fread(data, 1, size, file_) != size) {
      throw RuntimeFailure("the verified copy of the plan file cannot be read back");
    }
  }
  uint32_t Number() {
    uint32_t value = 0;
    Bytes(&value, sizeof value);
    return value;
  }
  void Text(std::string& value) {
    value.resize(Number());
    Bytes(value.data(), value.size());
  }
  void Optional(std::optional<std::string>& value) {
    if (Number() == 0) {
      value.reset();
      return;
    }
    value.emplace();
    Text(*value);
  }

  std::FILE* file_;
};

}  // namespace

// Reads the file line by line, hashing every line before the summary and keeping each key
// that passes the filter in the verified copy.
class PlanFile::Loader {
 public:
  Loader(PlanFile& plan, const KeyFilter& filter)
      : plan_(plan), filter_(filter), records_(plan.copy_.get(), plan.path_) {}

  void Read(std::istream& in) {
    std::string line;
    while (std::getline(in, line)) {
      ++number_;
      if (in.eof()) throw Bad("the last line is not complete: the file is truncated");
      if (summary_) throw Bad("a line follows the summary: the file was edited");
      if (number_ > 1 && IsSummaryLine(line)) {
        summary_.emplace(plan_.path_, number_, line);
        summary_line_ = number_;
        continue;
      }
      hasher_.Update(line);
      hasher_.Update("\n");
      if (number_ == 1) {
        plan_.header_ = ParseHeader(LineReader(plan_.path_, 1, line));
      } else {
        // Every line is parsed now, so a plan that cannot be read to the end is refused
        // before the first batch is written.
        Keep(ParseKeyLine(plan_.path_, number_, line, plan_.header_.prune));
      }
    }
    if (number_ == 0) throw BadPlan(plan_.path_, 0, "the plan file is empty");
    if (!summary_) throw Bad("no summary line: the file is truncated");
  }

  void CheckSummary() {
    const std::string digest = hasher_.HexDigest();
    const Json& s = summary_->json();
    if (!s.contains("sha256") || s["sha256"] != digest) {
      throw BadPlan(plan_.path_, summary_line_,
                    "the summary's sha256 does not match the file's content: the plan file was "
                    "edited or damaged (expected " +
                        digest + ")");
    }
    plan_.sha256_ = digest;
    if (!s.contains("keys_read") || s["keys_read"] != all_keys_) {
      throw BadPlan(
          plan_.path_, summary_line_,
          "the summary's keys_read does not match the " + std::to_string(all_keys_) + " key lines");
    }
    plan_.summary_ = ParseSummary(*summary_);
    plan_.summary_.plan_sha256 = digest;
    if (std::fflush(plan_.copy_.get()) != 0) {
      throw RuntimeFailure("cannot copy the plan file " + plan_.path_ + " to a temporary file");
    }
  }

 private:
  ToolError Bad(const std::string& message) const { return BadPlan(plan_.path_, number_, message); }

  void Keep(const PlanKeyLine& key) {
    ++all_keys_;
    if (!filter_.Matches(key.id, key.tenant ? &*key.tenant : nullptr)) return;
    ++plan_.counts_.keys;
    plan_.counts_.change += key.status == Status::kChange;
    plan_.counts_.blocked += key.status == Status::kBlocked;
    if (key.status == Status::kChange) {
      plan_.counts_.scopes_to_add += key.add.size();
      plan_.counts_.scopes_to_remove += key.remove.size();
    }
    records_.Write(key);
  }

  PlanFile& plan_;
  const KeyFilter& filter_;
  RecordWriter records_;
  Sha256 hasher_;
  int number_ = 0;
  std::optional<LineReader> summary_;
  int summary_line_ = 0;
  uint64_t all_keys_ = 0;
};

PlanFile PlanFile::Open(const std::string& path, const KeyFilter& filter) {
  InputFile file(path);  // plain, gzip or zstd
  std::istream in(&file);
  in.exceptions(std::ios::badbit);  // a damaged compressed stream's error reaches the caller
  PlanFile plan;
  plan.path_ = path;
  plan.filter_ = filter;
  plan.copy_.reset(std::tmpfile(), [](std::FILE* f) {
    if (f != nullptr) std::fclose(f);
  });
  if (!plan.copy_) {
    throw RuntimeFailure("cannot create a temporary file for the plan's verified copy");
  }
  std::setvbuf(plan.copy_.get(), nullptr, _IOFBF, 1 << 20);
  Loader loader(plan, filter);
  loader.Read(in);
  loader.CheckSummary();
  return plan;
}

PlanFile::Cursor::Cursor(const PlanFile& plan) : plan_(plan) { std::rewind(plan.copy_.get()); }

bool PlanFile::Cursor::Next(PlanKeyLine& key) {
  return RecordReader(plan_.copy_.get()).Read(key, plan_.header_.prune);
}

void PlanFile::ForEachKey(const std::function<void(const PlanKeyLine&)>& visit) const {
  Cursor cursor(*this);
  PlanKeyLine key;
  while (cursor.Next(key)) visit(key);
}

}  // namespace scope_migrate
