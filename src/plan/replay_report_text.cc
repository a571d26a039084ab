#include "plan/replay_report_text.h"

#include <iomanip>
#include <sstream>

#include "base/text_escape.h"

namespace scope_migrate {
namespace {

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) out += (out.empty() ? "" : ", ") + value;
  return out.empty() ? "-" : out;
}

std::string Tenant(const std::string& tenant) { return tenant.empty() ? "(none)" : tenant; }

std::string ReplayVerdict(const ReplayResult& r) {
  if (!r.Breaks()) return "no observed call would be denied";
  return std::to_string(r.counters.breaking_keys) + " key(s) would break (" +
         std::to_string(r.counters.denied_calls) + " denied call(s)), " +
         std::to_string(r.counters.blocked_keys_with_calls) + " blocked key(s) with traffic";
}

}  // namespace

std::vector<std::pair<const char*, uint64_t>> CounterList(const ReplayCounters& c) {
  return {{"records", c.records},
          {"calls", c.calls},
          {"outside_window", c.outside_window},
          {"refused_before", c.refused_before},
          {"other_keys", c.other_keys},
          {"unmatched_calls", c.unmatched_calls},
          {"keys", c.keys},
          {"keys_with_calls", c.keys_with_calls},
          {"dormant_keys", c.dormant_keys},
          {"breaking_keys", c.breaking_keys},
          {"denied_calls", c.denied_calls},
          {"blocked_keys_with_calls", c.blocked_keys_with_calls},
          {"unused_scopes", c.unused_scopes}};
}

void WriteReplayText(const ReplayResult& r, const ReplayReportInfo& info, std::ostream& out) {
  out << "scope-migrate simulate: the traffic replayed against the plan\n"
      << "  keys:      " << Printable(info.keys) << "\n"
      << "  endpoints: " << Printable(info.endpoints) << "\n";
  for (const std::string& usage : info.usage) out << "  usage:     " << Printable(usage) << "\n";
  out << "  window:    " << FormatUtc(r.window_from) << " to " << FormatUtc(r.window_to)
      << " (end excluded)\n\nSummary\n";
  for (const auto& [name, value] : CounterList(r.counters)) {
    out << "  " << std::left << std::setw(25) << name << value << "\n";
  }
  out << "\nBy tenant\n  " << std::left << std::setw(20) << "tenant" << std::setw(7) << "keys"
      << std::setw(12) << "with calls" << std::setw(10) << "calls" << std::setw(10)
      << "breaking" << std::setw(14) << "denied calls" << "blocked with calls\n";
  for (const TenantReplay& t : r.tenants) {
    out << "  " << std::setw(20) << Printable(Tenant(t.tenant)) << std::setw(7) << t.keys
        << std::setw(12) << t.keys_with_calls << std::setw(10) << t.calls << std::setw(10)
        << t.breaking_keys << std::setw(14) << t.denied_calls << t.blocked_keys_with_calls
        << "\n";
  }
  out << "\nKeys that would break (" << r.counters.breaking_keys << ")\n";
  size_t shown = 0;
  for (const KeyReplay& key : r.keys) {
    if (key.denied.empty() || shown++ >= info.max_keys) continue;
    out << "  " << Printable(key.key->id) << " (tenant " << Printable(Tenant(key.key->tenant))
        << ", " << StatusName(key.key->status) << "), after: " << Joined(key.key->after) << "\n";
    for (const DeniedRoute& d : key.denied) {
      out << "    denied " << d.route << ": " << d.calls << " call(s), last "
          << FormatUtc(d.last_seen) << "; allowed by " << DescribeEntries(d.allowed_by) << "\n";
    }
  }
  out << "\nBlocked keys with traffic (" << r.counters.blocked_keys_with_calls << ")\n";
  for (const KeyReplay& key : r.keys) {
    if (!key.blocked_with_traffic) continue;
    out << "  " << Printable(key.key->id) << " (tenant " << Printable(Tenant(key.key->tenant))
        << "): " << Printable(key.key->reason) << "; " << key.calls << " call(s), last "
        << FormatUtc(*key.last_seen) << "\n";
  }
  out << "\nUnmatched routes (" << r.counters.unmatched_calls << " call(s); the "
      << kTopUnmatched << " most called" << (r.unmatched_approximate ? ", counts approximate" : "")
      << ")\n";
  for (const auto& [route, calls] : r.unmatched) {
    out << "  " << std::right << std::setw(8) << calls << "  " << Printable(route) << "\n";
  }
  out << std::left << "\nOver-granted scopes (" << r.counters.unused_scopes
      << " unused; keys with calls)\n";
  shown = 0;
  for (const KeyReplay& key : r.keys) {
    if (key.dormant || key.unused.empty() || shown++ >= info.max_keys) continue;
    out << "  " << Printable(key.key->id) << ": unused " << Joined(key.unused) << "; suggested "
        << Joined(key.suggested.scopes) << (key.suggested.approximate ? " (approximate)" : "")
        << "\n";
  }
  out << "\n" << ReplayVerdict(r) << "\n";
}

void WriteReplayMarkdown(const ReplayResult& r, const ReplayReportInfo& info, std::ostream& out) {
  out << "## Traffic replay\n\n"
      << "- keys: `" << MarkdownCell(info.keys) << "`\n"
      << "- endpoints: `" << MarkdownCell(info.endpoints) << "`\n";
  for (const std::string& usage : info.usage) out << "- usage: `" << MarkdownCell(usage) << "`\n";
  out << "- window: " << FormatUtc(r.window_from) << " to " << FormatUtc(r.window_to)
      << " (end excluded)\n\n**" << ReplayVerdict(r) << "**\n\n| counter | value |\n|---|---:|\n";
  for (const auto& [name, value] : CounterList(r.counters)) {
    out << "| " << name << " | " << value << " |\n";
  }
  out << "\n### By tenant\n\n| tenant | keys | with calls | calls | breaking | denied calls | "
         "blocked with calls |\n|---|---:|---:|---:|---:|---:|---:|\n";
  for (const TenantReplay& t : r.tenants) {
    out << "| " << MarkdownCode(Tenant(t.tenant)) << " | " << t.keys << " | "
        << t.keys_with_calls << " | " << t.calls << " | " << t.breaking_keys << " | "
        << t.denied_calls << " | " << t.blocked_keys_with_calls << " |\n";
  }
  out << "\n### Keys that would break (" << r.counters.breaking_keys << ")\n\n";
  if (r.counters.breaking_keys > 0) {
    out << "| key | tenant | denied route | calls | last seen | allowed by |\n"
           "|---|---|---|---:|---|---|\n";
  }
  size_t shown = 0;
  for (const KeyReplay& key : r.keys) {
    if (key.denied.empty() || shown++ >= info.max_keys) continue;
    for (const DeniedRoute& d : key.denied) {
      out << "| `" << MarkdownCell(key.key->id) << "` | " << MarkdownCode(Tenant(key.key->tenant))
          << " | `" << MarkdownCell(d.route) << "` | " << d.calls << " | " << FormatUtc(d.last_seen) << " | "
          << DescribeEntries(d.allowed_by) << " |\n";
    }
  }
  out << "\n### Blocked keys with traffic (" << r.counters.blocked_keys_with_calls << ")\n\n";
  for (const KeyReplay& key : r.keys) {
    if (!key.blocked_with_traffic) continue;
    out << "- `" << MarkdownCell(key.key->id) << "` (" << MarkdownCode(Tenant(key.key->tenant))
        << "): " << MarkdownCode(key.key->reason) << ", " << key.calls << " call(s)\n";
  }
  out << "\n### Unmatched routes (" << r.counters.unmatched_calls << " calls"
      << (r.unmatched_approximate ? ", counts approximate" : "") << ")\n\n";
  for (const auto& [route, calls] : r.unmatched) {
    out << "- `" << MarkdownCell(route) << "`: " << calls << "\n";
  }
  out << "\n### Over-granted scopes (" << r.counters.unused_scopes << " unused)\n\n";
  shown = 0;
  for (const KeyReplay& key : r.keys) {
    if (key.dormant || key.unused.empty() || shown++ >= info.max_keys) continue;
    out << "- `" << MarkdownCell(key.key->id) << "`: unused " << Joined(key.unused)
        << "; suggested " << Joined(key.suggested.scopes) << "\n";
  }
}

}  // namespace scope_migrate
