#include "plan_reader.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <nlohmann/json.hpp>

#include "errors.h"
#include "file_streams.h"
#include "sha256.h"

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

Status ParseStatus(const LineReader& in, const std::string& name) {
  for (Status s :
       {Status::kChange, Status::kUnchanged, Status::kDrift, Status::kBlocked, Status::kSkipped}) {
    if (name == StatusName(s)) return s;
  }
  throw in.Error("unknown status \"" + name + "\"");
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
  return header;
}

// A list that must be sorted (and, but for roles, hold no duplicates).
void CheckSorted(const LineReader& in, const char* field, const std::vector<std::string>& values,
                 bool unique) {
  for (size_t i = 1; i < values.size(); ++i) {
    if (values[i] < values[i - 1] || (unique && values[i] == values[i - 1])) {
      throw in.Error(std::string("\"") + field + "\" must be sorted" +
                     (unique ? " and unique" : ""));
    }
  }
}

bool Contains(const std::vector<std::string>& sorted, const std::string& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

// The lists must fit together as a decision made them: add and current disjoint, extra a
// part of current, and a "change" key has something to change.
void CheckLists(const LineReader& in, const PlanKeyLine& k) {
  CheckSorted(in, "roles", k.roles, false);
  CheckSorted(in, "current", k.current, true);
  CheckSorted(in, "add", k.add, true);
  CheckSorted(in, "extra", k.extra, true);
  for (const auto& scope : k.add) {
    if (Contains(k.current, scope))
      throw in.Error("key " + k.id + " adds \"" + scope + "\", which it has");
  }
  for (const auto& scope : k.extra) {
    if (!Contains(k.current, scope)) {
      throw in.Error("key " + k.id + ": extra scope \"" + scope + "\" is not one of its scopes");
    }
  }
  if (k.status == Status::kChange && k.add.empty() && k.remove.empty()) {
    throw in.Error("key " + k.id + " is a change with nothing to add or remove");
  }
}

std::vector<std::string> OptionalStrings(const LineReader& in, const char* field) {
  return in.json().contains(field) ? in.Strings(field) : std::vector<std::string>{};
}

std::optional<std::string> OptionalText(const LineReader& in, const char* field) {
  const Json& j = in.json();
  if (!j.contains(field) || j[field].is_null()) return std::nullopt;
  return in.Text(field);
}

PlanKeyLine ParseKey(const LineReader& in, int number, bool prune) {
  if (in.Type() != "key") throw in.Error("expected a key line, found \"" + in.Type() + "\"");
  PlanKeyLine k;
  k.line = number;
  k.id = in.Text("id");
  k.tenant = OptionalText(in, "tenant");
  k.name = OptionalText(in, "name");
  k.status = ParseStatus(in, in.Text("status"));
  k.reason = OptionalText(in, "reason").value_or("");
  k.roles = OptionalStrings(in, "roles");
  k.current = OptionalStrings(in, "current");
  k.add = OptionalStrings(in, "add");
  k.extra = OptionalStrings(in, "extra");
  if (prune && k.status == Status::kChange) k.remove = k.extra;
  CheckLists(in, k);
  std::vector<std::string> kept;
  std::set_difference(k.current.begin(), k.current.end(), k.extra.begin(), k.extra.end(),
                      std::back_inserter(kept));
  std::merge(kept.begin(), kept.end(), k.add.begin(), k.add.end(), std::back_inserter(k.target));
  return k;
}

PlanKeyLine ParseKeyLine(const std::string& path, int number, const std::string& text, bool prune) {
  return ParseKey(LineReader(path, number, text), number, prune);
}

}  // namespace

// Reads the file line by line, hashing and copying every line before the summary.
class PlanFile::Loader {
 public:
  Loader(PlanFile& plan, const KeyFilter& filter) : plan_(plan), filter_(filter) {}

  void Read(std::istream& in) {
    std::string line;
    while (std::getline(in, line)) {
      ++number_;
      if (in.eof()) throw Bad("the last line is not complete: the file is truncated");
      if (summary_) throw Bad("a line follows the summary: the file was edited");
      if (number_ == 1) {
        plan_.header_ = ParseHeader(LineReader(plan_.path_, 1, line));
      } else if (IsSummaryLine(line)) {
        summary_.emplace(plan_.path_, number_, line);
        summary_line_ = number_;
        continue;
      } else {
        // Every line is parsed now, not only when applying, so a plan that cannot be read
        // to the end is refused before the first batch is written.
        Count(ParseKeyLine(plan_.path_, number_, line, plan_.header_.prune));
      }
      Keep(line);
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
  }

 private:
  ToolError Bad(const std::string& message) const { return BadPlan(plan_.path_, number_, message); }

  void Count(const PlanKeyLine& key) {
    ++all_keys_;
    if (!filter_.Matches(key.id, key.tenant ? &*key.tenant : nullptr)) return;
    ++plan_.counts_.keys;
    plan_.counts_.change += key.status == Status::kChange;
    plan_.counts_.blocked += key.status == Status::kBlocked;
  }

  void Keep(const std::string& line) {
    hasher_.Update(line);
    hasher_.Update("\n");
    std::FILE* copy = plan_.copy_.get();
    if (std::fwrite(line.data(), 1, line.size(), copy) != line.size() ||
        std::fputc('\n', copy) == EOF) {
      throw RuntimeFailure("cannot copy the plan file " + plan_.path_ +
                           " to a temporary file (disk full?)");
    }
  }

  PlanFile& plan_;
  const KeyFilter& filter_;
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
  Loader loader(plan, filter);
  loader.Read(in);
  loader.CheckSummary();
  return plan;
}

PlanFile::Cursor::Cursor(const PlanFile& plan) : plan_(plan) { std::rewind(plan.copy_.get()); }

PlanFile::Cursor::~Cursor() { std::free(buffer_); }

bool PlanFile::Cursor::Next(PlanKeyLine& key) {
  for (ssize_t length; (length = getline(&buffer_, &capacity_, plan_.copy_.get())) > 0;) {
    if (++number_ == 1) continue;  // the header
    // Every copied line ends in \n.
    const std::string line(buffer_, static_cast<size_t>(length) - 1);
    key = ParseKeyLine(plan_.path_, number_, line, plan_.header_.prune);
    if (plan_.filter_.Matches(key.id, key.tenant ? &*key.tenant : nullptr)) return true;
  }
  return false;
}

void PlanFile::ForEachKey(const std::function<void(const PlanKeyLine&)>& visit) const {
  Cursor cursor(*this);
  PlanKeyLine key;
  while (cursor.Next(key)) visit(key);
}

}  // namespace scope_migrate
