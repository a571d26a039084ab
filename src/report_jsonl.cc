#include <nlohmann/json.hpp>

#include "json_text.h"
#include "report.h"
#include "sha256.h"

namespace scope_migrate {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
size_t Utf8Length(const std::string& s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

void AppendJsonString(std::string& out, const std::string& value) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const size_t n = value.size();
  size_t i = 0;
  while (i < n) {
    // Copy the run of characters that need no escaping in one go (the common case).
    size_t run = i;
    while (run < n) {
      const unsigned char u = static_cast<unsigned char>(value[run]);
      if (u < 0x20 || u == '"' || u == '\\' || u >= 0x80) break;
      ++run;
    }
    out.append(value, i, run - i);
    i = run;
    if (i == n) break;
    const char c = value[i];
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      // Valid UTF-8 passes through; a stray byte (a SQL_ASCII database) becomes \u00XX so
      // the line stays valid JSON. Such a key's fingerprint then no longer matches its
      // plan line, so apply refuses the plan instead of guessing.
      const size_t length = Utf8Length(value, i);
      if (length > 0) {
        out.append(value, i, length);
        i += length;
      } else {
        out += "\\u00";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0xf]);
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0xf]);
    }
    ++i;
  }
  out.push_back('"');
}

void AppendJsonStringArray(std::string& out, const std::vector<std::string>& values) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    AppendJsonString(out, values[i]);
  }
  out.push_back(']');
}

namespace {

// JSON Lines, SPEC section 8. The summary line carries the SHA-256 of every byte
// written before it, which is what makes a plan file tamper-evident.
class JsonlWriter : public ReportWriter {
 public:
  explicit JsonlWriter(std::ostream& out) : out_(out) {}

  void WriteHeader(const PlanHeader& h) override {
    nlohmann::ordered_json j;
    j["type"] = "header";
    j["format_version"] = 1;
    j["tool_version"] = h.tool_version;
    j["mapping_sha256"] = h.mapping_sha256;
    j["catalog_sha256"] = h.catalog_sha256;
    j["cutoff"] = FormatUtc(h.cutoff);
    j["prune"] = h.prune;
    j["source"] = h.source;
    j["partial"] = !h.filter.empty();
    if (!h.filter.empty()) j["filter"] = {{"tenant", h.filter.tenants}, {"key", h.filter.ids}};
    filter_ = h.filter;
    Emit(j.dump());
  }

  void WriteKey(const PlannedKey& k) override {
    line_.clear();
    line_ += "{\"type\":\"key\",\"id\":";
    AppendJsonString(line_, k.key.id);
    line_ += ",\"tenant\":";
    if (k.key.tenant) {
      AppendJsonString(line_, *k.key.tenant);
    } else {
      line_ += "null";
    }
    line_ += ",\"status\":\"";
    line_ += StatusName(k.decision.status);
    line_ += "\",\"reason\":";
    AppendJsonString(line_, k.decision.reason);
    line_ += ",\"roles\":";
    AppendJsonStringArray(line_, k.key.roles);
    line_ += ",\"current\":";
    AppendJsonStringArray(line_, k.decision.current);
    line_ += ",\"target\":";
    AppendJsonStringArray(line_, k.decision.target);
    line_ += ",\"add\":";
    AppendJsonStringArray(line_, k.decision.add);
    line_ += ",\"remove\":";
    AppendJsonStringArray(line_, k.decision.remove);
    line_ += ",\"extra\":";
    AppendJsonStringArray(line_, k.decision.extra);
    line_ += ",\"fingerprint\":\"";
    line_ += k.fingerprint;
    line_ += "\"}";
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
    j["sha256"] = hasher_.HexDigest();
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
  std::string line_;
  KeyFilter filter_;
};

}  // namespace

std::unique_ptr<ReportWriter> MakeJsonlWriter(std::ostream& out) {
  return std::make_unique<JsonlWriter>(out);
}

std::unique_ptr<ReportWriter> MakeWriter(ReportFormat format, std::ostream& out,
                                         const ReportOptions& options) {
  switch (format) {
    case ReportFormat::kJsonl:
      return MakeJsonlWriter(out);
    case ReportFormat::kCsv:
      return MakeCsvWriter(out);
    case ReportFormat::kMarkdown:
      return MakeMarkdownWriter(out, options);
    case ReportFormat::kText:
      break;
  }
  return MakeTextWriter(out, options);
}

}  // namespace scope_migrate
