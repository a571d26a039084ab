#include "plan/report_html_sections.h"

#include <algorithm>

#include "base/timestamps.h"
#include "plan/report.h"

namespace scope_migrate {
namespace {

constexpr size_t kTenantRowsShown = 1000;
constexpr size_t kGrantKeysShown = 200;  // keys gaining privileged, then write scopes

std::string H(const std::string& text) { return HtmlText(text); }

uint64_t CountOf(const TenantRow& row, Status status) {
  return row.by_status[static_cast<int>(status)];
}

// A header row of column headings.
void Head(std::ostream& out, std::initializer_list<const char*> headings) {
  out << "<thead><tr>";
  for (const char* heading : headings) out << "<th scope=\"col\">" << heading << "</th>";
  out << "</tr></thead>\n";
}

void ScopeTag(std::ostream& out, bool privileged, const std::string& scope) {
  if (privileged) out << "<span class=\"tag priv\">privileged</span>";
  if (scope.size() > 6 && scope.compare(scope.size() - 6, 6, "-write") == 0) {
    out << "<span class=\"tag write\">write</span>";
  }
}

void KeyCells(std::ostream& out, const Listed& k) {
  out << "<td class=\"id\">" << H(k.id) << "</td><td>" << H(k.name) << "</td><td>" << H(k.tenant)
      << "</td>";
}

void Identity(std::ostream& out, const PageData& p) {
  const PlanHeader& h = p.header;
  const std::string filter = h.filter.Describe();
  out << "<section id=\"identity\"><h2>Plan</h2>\n<table class=\"kv\">\n"
      << "<tr><th scope=\"row\">plan sha256</th><td><code>" << H(p.summary.plan_sha256)
      << "</code></td></tr>\n<tr><th scope=\"row\">source</th><td><code>" << H(h.source)
      << "</code></td></tr>\n<tr><th scope=\"row\">cutoff</th><td><code>" << FormatUtc(h.cutoff)
      << "</code>";
  if (h.mapping_cutoff) {
    out << " <strong>overridden by --cutoff</strong>; the mapping's cutoff is <code>"
        << FormatUtc(*h.mapping_cutoff) << "</code>";
  }
  out << "</td></tr>\n<tr><th scope=\"row\">mapping sha256</th><td><code>" << H(h.mapping_sha256)
      << "</code></td></tr>\n<tr><th scope=\"row\">catalog sha256</th><td><code>"
      << H(h.catalog_sha256) << "</code></td></tr>\n<tr><th scope=\"row\">prune</th><td>"
      << (h.prune ? "yes: scopes outside the target are removed" : "no") << "</td></tr>\n"
      << "<tr><th scope=\"row\">keys</th><td>"
      << (filter.empty() ? "all" : "<strong>partial run</strong>: <code>" + H(filter) + "</code>")
      << "</td></tr>\n<tr><th scope=\"row\">tool version</th><td>" << H(h.tool_version)
      << "</td></tr>\n";
  if (p.approvals) {
    out << "<tr><th scope=\"row\">approvals</th><td>" << H(DescribeApprovalList(*p.approvals))
        << "</td></tr>\n";
  }
  out << "</table></section>\n";
}

void Counts(std::ostream& out, const Summary& s) {
  out << "<section id=\"counts\"><h2>Keys by status</h2>\n<table>";
  Head(out, {"status", "keys"});
  for (Status status : kListedStatuses) {
    out << "<tr><th scope=\"row\" class=\"st st-" << StatusName(status) << "\">"
        << StatusName(status) << "</th><td class=\"n\" id=\"count-" << StatusName(status) << "\">"
        << s.Count(status) << "</td></tr>\n";
  }
  out << "<tr><th scope=\"row\">keys read</th><td class=\"n\" id=\"count-keys-read\">"
      << s.keys_read << "</td></tr>\n<tr><th scope=\"row\">excluded (created at or after the "
      << "cutoff)</th><td class=\"n\" id=\"count-excluded\">" << s.excluded_post_cutoff
      << "</td></tr>\n</table>\n<p>Scopes to add: <strong id=\"count-add\">" << s.scopes_to_add
      << "</strong>, scopes to remove: <strong id=\"count-remove\">" << s.scopes_to_remove
      << "</strong>.</p></section>\n";
}

// The tenants whose keys gain a privileged (else a write) scope, by name, the first 20.
void WriteTenantsGaining(std::ostream& out, const PageData& p) {
  constexpr size_t kNamed = 20;
  std::vector<std::string> privileged, write;
  for (const TenantRow& t : p.tenants) {
    const std::string name = t.index < 0 ? "(no tenant)" : t.name;
    if (t.privileged_keys) privileged.push_back(name);
    else if (t.write_keys) write.push_back(name);
  }
  for (const auto& [names, what] : {std::make_pair(&privileged, "a privileged scope"),
                                    std::make_pair(&write, "only write scopes")}) {
    if (names->empty()) continue;
    std::sort(names->begin(), names->end());
    out << " Tenants whose keys gain " << what << ": ";
    for (size_t i = 0; i < names->size() && i < kNamed; ++i) {
      out << (i ? ", " : "") << "<strong>" << H((*names)[i]) << "</strong>";
    }
    if (names->size() > kNamed) out << " … " << names->size() << " in all";
    out << ".";
  }
}

void Callout(std::ostream& out, const PageData& p) {
  uint64_t changing = 0, named = 0;
  for (const TenantRow& t : p.tenants) {
    if (t.index < 0) continue;
    ++named;
    changing += CountOf(t, Status::kChange) > 0;
  }
  out << "<div class=\"callout" << (p.gaining_keys ? "" : " calm") << "\" id=\"at-a-glance\">\n";
  if (p.gaining_keys) {
    out << "<p><strong>Warning: <span id=\"gaining-keys\">" << p.gaining_keys
        << "</span> keys gain a privileged or write scope</strong> (" << p.privileged_keys
        << " a privileged scope, " << p.write_keys << " a write scope): "
        << "<a href=\"#grants\">see which keys gain which</a>.</p>\n";
  } else {
    out << "<p><strong>No key gains a privileged or write scope.</strong></p>\n";
  }
  out << "<p><span id=\"tenants-changing\">" << changing << "</span> of " << named
      << " tenants have keys that change: <a href=\"#tenants\">per tenant</a>.";
  WriteTenantsGaining(out, p);
  if (p.summary.blocked) {
    out << " <strong>" << p.summary.blocked << " keys are blocked</strong> and will not be "
        << "written: <a href=\"#blocked\">why</a>.";
  }
  out << "</p></div>\n";
}

void Grants(std::ostream& out, const PageData& p) {
  out << "<section id=\"grants\"><h2>Privileged and write grants</h2>\n";
  if (p.grants.empty()) {
    out << "<p>No key gains a privileged or write scope.</p></section>\n";
    return;
  }
  std::vector<const std::pair<const std::string, GrantRow>*> rows;
  for (const auto& entry : p.grants) rows.push_back(&entry);
  std::stable_sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    if (a->second.privileged != b->second.privileged) return a->second.privileged;
    return a->second.keys > b->second.keys;
  });
  out << "<table id=\"grants-table\">";
  Head(out, {"scope", "keys gaining it", "tenants", "first keys gaining it"});
  constexpr size_t kTenantsNamed = 10;
  for (const auto* row : rows) {
    const GrantRow& g = row->second;
    out << "<tr><th scope=\"row\" data-scope=\"" << H(row->first) << "\"><code>" << H(row->first)
        << "</code>";
    ScopeTag(out, g.privileged, row->first);
    out << "</th><td class=\"n\">" << g.keys << "</td><td>";
    std::vector<std::string> named;
    for (int t : g.tenants) named.push_back(t < 0 ? "(no tenant)" : p.tenant_names[t]);
    std::sort(named.begin(), named.end());
    for (size_t i = 0; i < named.size() && i < kTenantsNamed; ++i) {
      out << (i ? ", " : "") << H(named[i]);
    }
    if (named.size() > kTenantsNamed) out << " … " << named.size() << " in all";
    out << "</td><td>";
    for (size_t i = 0; i < g.first.size(); ++i) {
      out << (i ? ", " : "") << "<code>" << H(g.first[i].id) << "</code>";
    }
    if (g.keys > g.first.size()) out << " … and " << g.keys - g.first.size() << " more";
    out << "</td></tr>\n";
  }
  out << "</table>\n<h3>Keys gaining a privileged or write scope</h3>\n<p class=\"note\">"
      << "Keys gaining a privileged scope first.</p>\n<table id=\"gaining-table\">";
  Head(out, {"key", "name", "tenant", "gains"});
  size_t shown = 0;
  for (const auto* list : {&p.gaining, &p.gaining_write_only}) {
    for (size_t i = 0; i < list->size() && shown < kGrantKeysShown; ++i, ++shown) {
      out << "<tr>";
      KeyCells(out, (*list)[i]);
      out << "<td>" << H((*list)[i].detail) << "</td></tr>\n";
    }
  }
  out << "</table>\n<p class=\"note\" data-scope=\"@grant\">" << shown << " of "
      << p.gaining_keys << " keys shown; the key table below lists them all (scope: gains a "
      << "privileged or write scope).</p></section>\n";
}

void Tenants(std::ostream& out, const PageData& p) {
  std::vector<const TenantRow*> rows;
  for (const TenantRow& t : p.tenants) rows.push_back(&t);
  std::sort(rows.begin(), rows.end(), [](const TenantRow* a, const TenantRow* b) {
    auto rank = [](const TenantRow* t) {
      return std::make_tuple(t->privileged_keys, t->write_keys, CountOf(*t, Status::kChange),
                             CountOf(*t, Status::kBlocked));
    };
    if (rank(a) != rank(b)) return rank(a) > rank(b);
    return a->name < b->name;
  });
  out << "<section id=\"tenants\"><h2>Tenants</h2>\n<p class=\"note\">Tenants whose keys gain "
      << "privileged or write scopes first, then by keys that change.</p>\n"
      << "<table id=\"tenants-table\">";
  Head(out, {"tenant", "keys", "change", "drift", "blocked", "skipped", "gain a privileged scope",
             "gain a write scope"});
  for (size_t i = 0; i < rows.size() && i < kTenantRowsShown; ++i) {
    const TenantRow& t = *rows[i];
    out << "<tr><th scope=\"row\" data-tenant=\"" << t.index << "\">"
        << (t.index < 0 ? "<em>(no tenant)</em>" : H(t.name)) << "</th><td class=\"n\">" << t.keys;
    for (Status status : {Status::kChange, Status::kDrift, Status::kBlocked, Status::kSkipped}) {
      out << "</td><td class=\"n\">" << CountOf(t, status);
    }
    out << "</td><td class=\"n\">" << t.privileged_keys << "</td><td class=\"n\">" << t.write_keys
        << "</td></tr>\n";
  }
  out << "</table>\n";
  if (rows.size() > kTenantRowsShown) {
    out << "<p class=\"note\">" << kTenantRowsShown << " of " << rows.size()
        << " tenants shown; the key table below filters by any tenant.</p>\n";
  }
  out << "</section>\n";
}

// Rows: the catalog's scopes; columns: the mapping's roles; a cell: how many keys holding
// the role gain the scope, shaded by that number; "not granted" where the role lacks it.
void HeatMap(std::ostream& out, const PageData& p) {
  const RoleMatrix& m = p.header.mapping;
  out << "<section id=\"heatmap\"><h2>Role × scope</h2>\n";
  if (m.empty()) {
    out << "<p>This plan carries no mapping table.</p></section>\n";
    return;
  }
  uint64_t most = 0;
  for (const auto& role : p.heat)
    for (const auto& [scope, keys] : role) most = std::max(most, keys);
  out << "<p class=\"note\">Each cell: the keys holding the role (column) that gain the scope "
      << "(row); darker is more. \"—\": the role does not grant the scope.</p>\n"
      << "<div class=\"scroll\"><table class=\"heat\" id=\"heat-table\"><thead><tr>"
      << "<th scope=\"col\">scope</th>";
  for (const auto& role : m.roles) {
    out << "<th scope=\"col\">" << H(role.name) << (role.read_only ? " (read-only)" : "") << "</th>";
  }
  out << "</tr></thead>\n";
  for (const auto& scope : m.scopes) {
    const bool privileged = std::binary_search(m.privileged.begin(), m.privileged.end(), scope);
    out << "<tr><th scope=\"row\"><code>" << H(scope) << "</code>";
    ScopeTag(out, privileged, scope);
    out << "</th>";
    for (size_t r = 0; r < m.roles.size(); ++r) {
      const auto& granted = m.roles[r].scopes;
      if (!std::binary_search(granted.begin(), granted.end(), scope)) {
        out << "<td class=\"h0\">—</td>";
        continue;
      }
      auto it = p.heat[r].find(scope);
      const uint64_t keys = it == p.heat[r].end() ? 0 : it->second;
      const uint64_t shade = keys == 0 || most == 0 ? 0 : 1 + (keys * 4) / most;
      out << "<td class=\"h" << shade << "\">" << keys << "<span class=\"m\">granted</span></td>";
    }
    out << "</tr>\n";
  }
  out << "</table></div></section>\n";
}

void ScopeChanges(std::ostream& out, const PageData& p) {
  const auto& privileged = p.header.mapping.privileged;
  out << "<section id=\"scopes\"><h2>Scope changes</h2>\n<table id=\"scopes-table\">";
  Head(out, {"scope", "keys gaining it", "keys losing it"});
  for (const auto& [scope, c] : p.summary.by_scope) {
    out << "<tr><th scope=\"row\" data-scope=\"" << H(scope) << "\"><code>" << H(scope)
        << "</code>";
    ScopeTag(out, std::binary_search(privileged.begin(), privileged.end(), scope), scope);
    out << "</th><td class=\"n\">" << c.add << "</td><td class=\"n\">" << c.remove
        << "</td></tr>\n";
  }
  out << "</table></section>\n";
}

void Blocked(std::ostream& out, const PageData& p) {
  out << "<section id=\"blocked\"><h2>Blocked keys</h2>\n";
  if (p.summary.blocked == 0) {
    out << "<p>None.</p></section>\n";
    return;
  }
  std::vector<std::pair<std::string, uint64_t>> reasons(p.blocked_reasons.begin(),
                                                        p.blocked_reasons.end());
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  out << "<table id=\"reasons-table\">";
  Head(out, {"reason", "keys"});
  for (const auto& [reason, keys] : reasons) {
    out << "<tr><td>" << H(reason) << "</td><td class=\"n\">" << keys << "</td></tr>\n";
  }
  out << "</table>\n<table id=\"blocked-table\">";
  Head(out, {"key", "name", "tenant", "reason"});
  for (const Listed& k : p.blocked) {
    out << "<tr>";
    KeyCells(out, k);
    out << "<td>" << H(k.detail) << "</td></tr>\n";
  }
  out << "</table>\n";
  if (p.summary.blocked > p.blocked.size()) {
    out << "<p class=\"note\">" << p.blocked.size() << " of " << p.summary.blocked
        << " blocked keys shown (--max-keys).</p>\n";
  }
  out << "</section>\n";
}

void Drift(std::ostream& out, const PageData& p) {
  out << "<section id=\"drift\"><h2>Drift (scopes kept outside the target)</h2>\n";
  if (p.summary.drift == 0) {
    out << "<p>None.</p></section>\n";
    return;
  }
  out << "<table id=\"drift-table\">";
  Head(out, {"key", "name", "tenant", "kept outside the target"});
  for (const Listed& k : p.drift) {
    out << "<tr>";
    KeyCells(out, k);
    out << "<td>" << H(k.detail) << "</td></tr>\n";
  }
  out << "</table>\n";
  if (p.summary.drift > p.drift.size()) {
    out << "<p class=\"note\">" << p.drift.size() << " of " << p.summary.drift
        << " drift keys shown (--max-keys).</p>\n";
  }
  out << "</section>\n";
}

// The overrides and the replay: tables other stages hand over (report_html.h).
void Extra(std::ostream& out, const char* id, const char* title,
           const std::optional<std::vector<ReportTable>>& tables, const char* none) {
  out << "<section id=\"" << id << "\"><h2>" << title << "</h2>\n";
  if (!tables) out << "<p>" << none << "</p>\n";
  for (const ReportTable& t : tables ? *tables : std::vector<ReportTable>{}) {
    out << "<h3>" << H(t.title) << "</h3>\n";
    if (!t.note.empty()) out << "<p>" << H(t.note) << "</p>\n";
    out << "<table><thead><tr>";
    for (const auto& heading : t.headers) out << "<th scope=\"col\">" << H(heading) << "</th>";
    out << "</tr></thead>\n";
    for (const auto& row : t.rows) {
      out << "<tr>";
      for (const auto& cell : row) out << "<td>" << H(cell) << "</td>";
      out << "</tr>\n";
    }
    out << "</table>\n";
  }
  out << "</section>\n";
}

void KeyTable(std::ostream& out) {
  out << "<section id=\"keys\"><h2>All keys</h2>\n"
      << "<noscript><p>The key table needs JavaScript; every table above reads without it.</p>"
      << "</noscript>\n<div id=\"keys-ui\" hidden>\n<div class=\"controls\">"
      << "<label>Search <input id=\"f-search\" type=\"search\" "
      << "placeholder=\"key id, name, tenant or role\"></label>"
      << "<label>Tenant <select id=\"f-tenant\"><option value=\"\">every tenant</option>"
      << "</select></label><label>Status <select id=\"f-status\"><option value=\"\">every "
      << "status</option></select></label><label>Scope <select id=\"f-scope\">"
      << "<option value=\"\">any</option><option value=\"@grant\">gains a privileged or write "
      << "scope</option><option value=\"@priv\">gains a privileged scope</option>"
      << "<option value=\"@write\">gains a write scope</option></select></label></div>\n"
      << "<p id=\"match-count\" aria-live=\"polite\"></p>\n<div class=\"pager\">"
      << "<button id=\"page-prev\" type=\"button\">previous</button><span id=\"page-info\">"
      << "</span><button id=\"page-next\" type=\"button\">next</button></div>\n"
      << "<div class=\"scroll\"><table id=\"keys-table\">";
  Head(out, {"key", "name", "tenant", "status", "roles", "gains", "removed or kept outside the target",
             "reason"});
  out << "<tbody id=\"keys-body\"></tbody></table></div>\n</div></section>\n";
}

}  // namespace

void WriteHead(std::ostream& out, const PlanHeader& header) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
      << CspHashSource(PageScript()) << "; style-src " << CspHashSource(PageStyle())
      << "; img-src 'none'; base-uri 'none'; form-action 'none'\">\n"
      << "<meta name=\"referrer\" content=\"no-referrer\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>scope-migrate plan review: " << H(header.source) << "</title>\n<style>"
      << PageStyle() << "</style>\n</head>\n<body>\n";
}

void WriteSections(std::ostream& out, const PageData& p) {
  out << "<header><h1>scope-migrate plan review</h1>\n<p>Source <bdi><code>" << H(p.header.source)
      << "</code></bdi>, cutoff <code>" << FormatUtc(p.header.cutoff) << "</code>"
      << (p.header.filter.Describe().empty() ? "" : ", <strong>partial run</strong>")
      << ".</p>\n<nav><a href=\"#grants\">privileged and write grants</a><a href=\"#tenants\">"
      << "tenants</a><a href=\"#heatmap\">role × scope</a><a href=\"#scopes\">scope changes</a>"
      << "<a href=\"#blocked\">blocked</a><a href=\"#drift\">drift</a><a href=\"#overrides\">"
      << "overrides</a><a href=\"#replay\">replay</a><a href=\"#keys\">all keys</a></nav>"
      << "</header>\n";
  Callout(out, p);
  Grants(out, p);
  out << "<div class=\"grid\">\n";
  Counts(out, p.summary);
  Identity(out, p);
  out << "</div>\n";
  Tenants(out, p);
  HeatMap(out, p);
  ScopeChanges(out, p);
  Blocked(out, p);
  Drift(out, p);
  Extra(out, "overrides", "Overrides", p.extras.overrides, "This plan carries no overrides.");
  Extra(out, "replay", "Traffic replay", p.extras.replay, "This plan carries no traffic replay.");
  KeyTable(out);
  out << "<footer>Plan sha256 <code>" << H(p.summary.plan_sha256) << "</code>; written by "
      << "scope-migrate " << H(p.header.tool_version) << ".</footer>\n";
}

}  // namespace scope_migrate
