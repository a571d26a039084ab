#include "plan/replay_report.h"

#include "base/json_text.h"
#include "base/text_escape.h"
#include "plan/replay_report_text.h"

namespace scope_migrate {

void AppendEntries(std::string& out, const std::vector<ScopeEntry>& entries) {
  out += '[';
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) out += ',';
    if (entries[i].size() == 1) {
      AppendJsonString(out, entries[i][0]);
    } else {
      AppendJsonStringArray(out, entries[i]);
    }
  }
  out += ']';
}

namespace {

void AppendInstantOrNull(std::string& out, const std::optional<Instant>& at) {
  if (at) {
    AppendJsonString(out, FormatUtc(*at));
  } else {
    out += "null";
  }
}

void AppendCount(std::string& out, const char* name, uint64_t value) {
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(value);
}

std::string KeyLine(const KeyReplay& key) {
  std::string out = "{\"type\":\"key\",\"id\":";
  AppendJsonString(out, key.key->id);
  out += ",\"tenant\":";
  if (key.key->tenant.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, key.key->tenant);
  }
  out += ",\"status\":";
  AppendJsonString(out, StatusName(key.key->status));
  AppendCount(out, "calls", key.calls);
  out += ",\"last_seen\":";
  AppendInstantOrNull(out, key.last_seen);
  out += std::string(",\"dormant\":") + (key.dormant ? "true" : "false");
  out += std::string(",\"blocked_with_traffic\":") + (key.blocked_with_traffic ? "true" : "false");
  out += ",\"after\":";
  AppendJsonStringArray(out, key.key->after);
  out += ",\"denied\":[";
  for (size_t i = 0; i < key.denied.size(); ++i) {
    const DeniedRoute& denied = key.denied[i];
    out += i > 0 ? ",{\"route\":" : "{\"route\":";
    AppendJsonString(out, denied.route);
    AppendCount(out, "calls", denied.calls);
    out += ",\"last_seen\":";
    AppendJsonString(out, FormatUtc(denied.last_seen));
    out += ",\"allowed_by\":";
    AppendEntries(out, denied.allowed_by);
    out += '}';
  }
  out += "],\"unused\":";
  AppendJsonStringArray(out, key.unused);
  out += ",\"suggested\":";
  AppendJsonStringArray(out, key.suggested.scopes);
  if (key.suggested.approximate) out += ",\"approximate\":true";
  out += '}';
  return out;
}

std::string SummaryLine(const ReplayResult& r) {
  const ReplayCounters& c = r.counters;
  std::string out = "{\"type\":\"summary\"";
  for (const auto& [name, value] : CounterList(c)) AppendCount(out, name, value);
  out += ",\"window_from\":";
  AppendJsonString(out, FormatUtc(r.window_from));
  out += ",\"window_to\":";
  AppendJsonString(out, FormatUtc(r.window_to));
  if (r.unmatched_approximate) out += ",\"unmatched_approximate\":true";
  out += '}';
  return out;
}

void WriteJsonLines(const ReplayResult& r, std::ostream& out) {
  for (const KeyReplay& key : r.keys) out << KeyLine(key) << '\n';
  for (const auto& [route, calls] : r.unmatched) {
    std::string line = "{\"type\":\"unmatched\",\"route\":";
    AppendJsonString(line, route);
    AppendCount(line, "calls", calls);
    out << line << "}\n";
  }
  for (const TenantReplay& t : r.tenants) {
    std::string line = "{\"type\":\"tenant\",\"tenant\":";
    if (t.tenant.empty()) {
      line += "null";
    } else {
      AppendJsonString(line, t.tenant);
    }
    AppendCount(line, "keys", t.keys);
    AppendCount(line, "keys_with_calls", t.keys_with_calls);
    AppendCount(line, "calls", t.calls);
    AppendCount(line, "breaking_keys", t.breaking_keys);
    AppendCount(line, "denied_calls", t.denied_calls);
    AppendCount(line, "blocked_keys_with_calls", t.blocked_keys_with_calls);
    out << line << "}\n";
  }
  out << SummaryLine(r) << '\n';
}

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) out += (out.empty() ? "" : " ") + value;
  return out;
}

// One CSV row: type,id,tenant,status,route,calls,last_seen,dormant,blocked_with_traffic,
// allowed_by,after,unused,suggested.
void CsvRow(std::ostream& out, const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < 13; ++i) {
    if (i > 0) line += ',';
    if (i < cells.size()) AppendCsvField(line, cells[i]);
  }
  out << line << "\r\n";
}

void WriteCsv(const ReplayResult& r, std::ostream& out) {
  out << "type,id,tenant,status,route,calls,last_seen,dormant,blocked_with_traffic,allowed_by,"
         "after,unused,suggested\r\n";
  for (const KeyReplay& key : r.keys) {
    CsvRow(out, {"key", key.key->id, key.key->tenant, StatusName(key.key->status), "",
                 std::to_string(key.calls), key.last_seen ? FormatUtc(*key.last_seen) : "",
                 key.dormant ? "true" : "false", key.blocked_with_traffic ? "true" : "false", "",
                 Joined(key.key->after), Joined(key.unused), Joined(key.suggested.scopes)});
    for (const DeniedRoute& denied : key.denied) {
      CsvRow(out, {"denied", key.key->id, key.key->tenant, StatusName(key.key->status),
                   denied.route, std::to_string(denied.calls), FormatUtc(denied.last_seen), "",
                   "", DescribeEntries(denied.allowed_by)});
    }
  }
  for (const auto& [route, calls] : r.unmatched) {
    CsvRow(out, {"unmatched", "", "", "", route, std::to_string(calls)});
  }
  for (const auto& [name, value] : CounterList(r.counters)) {
    CsvRow(out, {"summary", name, "", "", "", std::to_string(value)});
  }
  CsvRow(out, {"summary", "window_from", "", "", "", "", FormatUtc(r.window_from)});
  CsvRow(out, {"summary", "window_to", "", "", "", "", FormatUtc(r.window_to)});
}

}  // namespace

std::string DescribeEntries(const std::vector<ScopeEntry>& entries) {
  std::string out;
  for (const ScopeEntry& entry : entries) {
    if (!out.empty()) out += ", ";
    if (entry.size() == 1) {
      out += entry[0];
      continue;
    }
    out += '[';
    for (size_t i = 0; i < entry.size(); ++i) out += (i > 0 ? ", " : "") + entry[i];
    out += ']';
  }
  return out;
}

void WriteReplayReport(ReportFormat format, const ReplayResult& result,
                       const ReplayReportInfo& info, std::ostream& out) {
  switch (format) {
    case ReportFormat::kJsonl:
      WriteJsonLines(result, out);
      break;
    case ReportFormat::kCsv:
      WriteCsv(result, out);
      break;
    case ReportFormat::kText:
    case ReportFormat::kHtml:  // not a format of simulate (yet): the page shows the plan
      WriteReplayText(result, info, out);
      break;
    case ReportFormat::kMarkdown:
      WriteReplayMarkdown(result, info, out);
      break;
  }
}

}  // namespace scope_migrate
