#include "plan/report_html.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "base/timestamps.h"
#include "core/decision.h"
#include "core/role_matrix.h"
#include "core/summary.h"
#include "plan/report.h"
#include "support/shipped_mapping.h"

namespace scope_migrate {
namespace {

// ---- Escaping ------------------------------------------------------------------------------

struct EscapeCase {
  const char* input;
  const char* html;         // HtmlText
  const char* script_json;  // AppendScriptJsonString
};

const EscapeCase kEscapeCases[] = {
    {"plain", "plain", "\"plain\""},
    {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;",
     "\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\""},
    {"<img src=x onerror=\"f()\">", "&lt;img src=x onerror=&quot;f()&quot;&gt;",
     "\"\\u003cimg src=x onerror=\\\"f()\\\"\\u003e\""},
    {"' onmouseover='f()", "&apos; onmouseover=&apos;f()", "\"' onmouseover='f()\""},
    {"a & b", "a &amp; b", "\"a \\u0026 b\""},
    {"<!--", "&lt;!--", "\"\\u003c!--\""},
    {"acme\xE2\x80\xAE" "evil", "acme\\u202eevil", "\"acme\\\\u202eevil\""},  // RLO made visible
    {"line\nbreak", "line\\nbreak", "\"line\\\\nbreak\""},
    {"caf\xC3\xA9", "caf\xC3\xA9", "\"caf\xC3\xA9\""},  // UTF-8 passes through
    {"back\\slash", "back\\slash", "\"back\\\\slash\""},
};

TEST(ReportHtmlEscapeTest, HtmlTextEscapesEveryValue) {
  for (const EscapeCase& c : kEscapeCases) EXPECT_EQ(HtmlText(c.input), c.html) << c.input;
}

TEST(ReportHtmlEscapeTest, ScriptJsonStringsCannotEndTheirBlock) {
  for (const EscapeCase& c : kEscapeCases) {
    std::string out;
    AppendScriptJsonString(out, c.input);
    EXPECT_EQ(out, c.script_json) << c.input;
    EXPECT_EQ(out.find('<'), std::string::npos) << c.input;
  }
}

TEST(ReportHtmlEscapeTest, CspHashIsTheBase64Sha256) {
  // The SHA-256 of the empty string, as CSP writes it.
  EXPECT_EQ(CspHashSource(""), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
  EXPECT_EQ(CspHashSource("abc"), "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
}

TEST(ReportHtmlEscapeTest, EmbeddedScriptAndStyleCannotEndTheirElements) {
  ASSERT_GT(PageScript().size(), 1000u);
  ASSERT_GT(PageStyle().size(), 500u);
  EXPECT_EQ(PageScript().find("</"), std::string::npos);
  EXPECT_EQ(PageStyle().find("</"), std::string::npos);
  EXPECT_NE(PageScript().find("textContent"), std::string::npos);
  EXPECT_EQ(PageScript().find("innerHTML"), std::string::npos);
}

// ---- The page ------------------------------------------------------------------------------

const char kHostileId[] = "<script>window.x=1</script>";
const char kHostileTenant[] = "<img src=x onerror=\"window.x=2\">";
const char kHostileName[] = "\"><b>'quoted'</b>";

class ReportHtmlTest : public ::testing::Test {
 protected:
  KeyRecord Key(const std::string& id, std::optional<std::string> tenant, std::vector<std::string> roles,
                std::vector<std::string> scopes = {}) {
    KeyRecord key;
    key.id = id;
    key.tenant = std::move(tenant);
    key.created_at = *ParseRfc3339("2025-01-01T00:00:00Z");
    key.roles = std::move(roles);
    key.scopes = std::move(scopes);
    return key;
  }

  // The page of a plan of `keys` made with the shipped mapping.
  // With `overrides` (by key id) the header records an overrides file and each key is
  // decided with its override, as the planner does.
  std::string Page(const std::vector<KeyRecord>& keys, ReportOptions options = ReportOptions{},
                   const std::map<std::string, KeyOverride>& overrides = {}) {
    const Mapping& mapping = testing::ShippedMapping();
    PlanHeader header;
    header.tool_version = "1.2.3";
    header.mapping_sha256 = "m-sha";
    header.catalog_sha256 = "c-sha";
    header.cutoff = *ParseRfc3339("2026-03-22T23:00:00Z");
    header.source = "fixtures:<keys>.yaml";
    header.mapping = MakeRoleMatrix(mapping);
    if (!overrides.empty()) header.overrides = OverridesRecord{"<o>.yaml", "o-sha", 2, 1};
    std::ostringstream out;
    auto writer = MakeWriter(ReportFormat::kHtml, out, options);
    writer->WriteHeader(header);
    Summary summary;
    DecisionOptions decide{header.cutoff, false};
    for (const KeyRecord& key : keys) {
      const auto o = overrides.find(key.id);
      OverrideRefusal refusal;
      const Decision decision = Decide(key, mapping, decide,
                                       o == overrides.end() ? nullptr : &o->second, &refusal);
      EXPECT_FALSE(refusal) << refusal.message;
      summary.Add(decision, mapping.catalog());
      writer->WriteKey(PlannedKey{key, decision});
    }
    summary.keys_read = keys.size();
    summary.plan_sha256 = "plan-sha";
    writer->WriteSummary(summary);
    return out.str();
  }

  std::vector<KeyRecord> Sample() {
    return {Key("k1", "acme", {"Admin"}), Key("k2", "acme", {"Beta preview"}, {"beta-preview"}),
            Key("k3", "globex", {"SUPERUSER"}),
            Key(kHostileId, std::string(kHostileTenant), {"Finance Manager"}),
            Key("k5", std::nullopt, {"Auditor"})};
  }

  // The text of the element whose start tag is `start`.
  static std::string Element(const std::string& page, const std::string& start,
                             const std::string& end) {
    const size_t from = page.find(start);
    if (from == std::string::npos) return "";
    const size_t to = page.find(end, from + start.size());
    return page.substr(from + start.size(), to - from - start.size());
  }
};

TEST_F(ReportHtmlTest, OneDocumentWithACspThatAllowsOnlyItsOwnScriptAndStyle) {
  const std::string page = Page(Sample());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_EQ(page.substr(page.size() - 8), "</html>\n");
  EXPECT_NE(page.find("content=\"default-src 'none'; script-src " + CspHashSource(PageScript()) +
                      "; style-src " + CspHashSource(PageStyle()) +
                      "; img-src 'none'; base-uri 'none'; form-action 'none'\""),
            std::string::npos);
  EXPECT_NE(page.find("<style>" + std::string(PageStyle()) + "</style>"), std::string::npos);
  EXPECT_NE(page.find("<script>" + std::string(PageScript()) + "</script>"), std::string::npos);
  // No address anywhere that a browser would fetch.
  for (const char* fetch : {"<img", "<link", "<iframe", "src=\"", "href=\"http", "href=\"//",
                            "url(", "@import"}) {
    EXPECT_EQ(page.find(fetch), std::string::npos) << fetch;
  }
}

TEST_F(ReportHtmlTest, HostileValuesAreEscapedEverywhere) {
  std::vector<KeyRecord> keys = Sample();
  keys.push_back(Key("k6", "t", {"<svg onload=f()>"}));  // blocked: the role is in the reason
  keys.back().name = kHostileName;
  const std::string page = Page(keys);
  for (const char* raw : {kHostileId, kHostileTenant, kHostileName, "<svg"}) {
    EXPECT_EQ(page.find(raw), std::string::npos) << raw;
  }
  EXPECT_NE(page.find("&lt;script&gt;window.x=1&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("&lt;img src=x onerror=&quot;window.x=2&quot;&gt;"), std::string::npos);
  EXPECT_NE(page.find("unknown role &quot;&lt;svg onload=f()&gt;&quot;"), std::string::npos);
  // Exactly the page's own two script elements and its data blocks.
  size_t scripts = 0;
  for (size_t at = page.find("<script"); at != std::string::npos; at = page.find("<script", at + 1))
    ++scripts;
  EXPECT_EQ(scripts, 3u);
}

TEST_F(ReportHtmlTest, KeyRowsAreCompactJsonPointingAtTheDictionary) {
  const std::string page = Page(Sample());
  const auto rows =
      nlohmann::json::parse(Element(page, "<script type=\"application/json\" id=\"sm-keys\">", "</script>"));
  const auto dict =
      nlohmann::json::parse(Element(page, "<script type=\"application/json\" id=\"sm-dict\">", "</script>"));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(dict["statuses"], nlohmann::json({"change", "unchanged", "drift", "blocked", "skipped"}));
  EXPECT_EQ(rows[3][0], kHostileId);  // the JSON text escapes "<", the value is intact
  EXPECT_EQ(dict["tenants"][rows[3][1].get<int>()], kHostileTenant);
  EXPECT_EQ(rows[4][1], -1);  // no tenant
  EXPECT_EQ(dict["keyless_tenant"], true);
  EXPECT_EQ(rows[2][3], 3);   // blocked
  EXPECT_EQ(dict["reasons"][rows[2][8].get<int>()], "unknown role \"SUPERUSER\"");
  for (const auto& scope : rows[0][6]) {  // k1 (admin) gains privileged access-management-write
    if (dict["scopes"][scope.get<int>()] == "access-management-write") {
      EXPECT_NE(std::find(dict["write"].begin(), dict["write"].end(), scope), dict["write"].end());
    }
  }
}

TEST_F(ReportHtmlTest, SectionsInReviewOrderWithCountsInPlainHtml) {
  const std::string page = Page(Sample());
  size_t last = 0;
  for (const char* id : {"at-a-glance", "grants", "counts", "identity", "tenants", "heatmap",
                         "scopes", "blocked", "drift", "overrides", "replay", "keys"}) {
    const size_t at = page.find(std::string("id=\"") + id + "\"");
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(at, last) << id;
    last = at;
  }
  EXPECT_NE(page.find("id=\"count-change\">3<"), std::string::npos);
  EXPECT_NE(page.find("id=\"count-blocked\">1<"), std::string::npos);
  EXPECT_NE(page.find("id=\"count-unchanged\">1<"), std::string::npos);
  EXPECT_NE(page.find("<tr><th scope=\"row\">plan sha256</th><td><code>plan-sha</code>"),
            std::string::npos);
  // Every table has a header row.
  size_t tables = 0, heads = 0;
  for (size_t at = page.find("<table"); at != std::string::npos; at = page.find("<table", at + 1))
    ++tables;
  for (size_t at = page.find("<thead>"); at != std::string::npos; at = page.find("<thead>", at + 1))
    ++heads;
  EXPECT_EQ(tables, heads + 1);  // the identity table heads its rows with <th scope="row">
}

TEST_F(ReportHtmlTest, GrantsFirstNameTheKeysAndTheirTenants) {
  const std::string page = Page(Sample());
  const std::string grants = Element(page, "<section id=\"grants\">", "</section>");
  EXPECT_NE(grants.find("<th scope=\"row\" data-scope=\"access-management-write\"><code>"
                        "access-management-write</code><span class=\"tag priv\">privileged</span>"
                        "<span class=\"tag write\">write</span></th><td class=\"n\">1</td>"
                        "<td>acme</td><td><code>k1</code></td></tr>"),
            std::string::npos)
      << grants;
  // k1 gains privileged scopes: listed before the key gaining only write scopes, whose id
  // sorts first.
  const std::string gaining = Element(grants, "<table id=\"gaining-table\">", "</table>");
  EXPECT_LT(gaining.find("<tr><td class=\"id\">k1</td><td></td><td>acme</td><td>"),
            gaining.find("<tr><td class=\"id\">&lt;script&gt;"));
  EXPECT_NE(gaining.find("<tr><td class=\"id\">&lt;script&gt;"), std::string::npos);
  const std::string tenants = Element(page, "<section id=\"tenants\">", "</section>");
  // acme first: its key gains privileged scopes; the hostile tenant gains write scopes.
  EXPECT_LT(tenants.find(">acme</th>"), tenants.find("&lt;img"));
  EXPECT_NE(tenants.find("<em>(no tenant)</em>"), std::string::npos);
}

TEST_F(ReportHtmlTest, HeatMapCountsKeysPerRoleAndScopeWithWordsBesideColour) {
  const std::string page = Page(Sample());
  const std::string heat = Element(page, "<section id=\"heatmap\">", "</section>");
  EXPECT_NE(heat.find("<th scope=\"col\">admin</th>"), std::string::npos);
  EXPECT_NE(heat.find("<span class=\"m\">granted</span>"), std::string::npos);
  EXPECT_NE(heat.find(">—</td>"), std::string::npos);  // not granted, said in text
  EXPECT_NE(heat.find("class=\"h5\">1<"), std::string::npos);
}

TEST_F(ReportHtmlTest, OverridesAndReplayShowTheirTablesEscapedOrSayThereAreNone) {
  EXPECT_NE(Page(Sample()).find("This plan carries no overrides."), std::string::npos);
  ReportOptions options;
  options.extras.overrides = std::vector<ReportTable>{
      {"Per-key overrides", "<note>", {"key", "scopes"}, {{"<k>", "a & b"}}}};
  options.extras.replay = std::vector<ReportTable>{};
  const std::string page = Page(Sample(), options);
  EXPECT_NE(page.find("<h3>Per-key overrides</h3>\n<p>&lt;note&gt;</p>\n<table><thead><tr>"
                      "<th scope=\"col\">key</th><th scope=\"col\">scopes</th></tr></thead>\n"
                      "<tr><td>&lt;k&gt;</td><td>a &amp; b</td></tr>\n</table>"),
            std::string::npos);
  EXPECT_EQ(page.find("This plan carries no overrides."), std::string::npos);
  EXPECT_EQ(page.find("This plan carries no traffic replay."), std::string::npos);
}

// Regression: the page said "This plan carries no overrides." of a plan made with
// --overrides; it lists the plan's own overrides (SPEC 12.2), escaped, with the file's
// record, and the privileged scopes they grant.
TEST_F(ReportHtmlTest, OverridesOfThePlanAreListedWithTheirFile) {
  const std::map<std::string, KeyOverride> overrides = {
      {"k1", KeyOverride{{"report-management-read"}, {"access-management-read"}, "<OPS-1>", false}},
      {"k5", KeyOverride{{"tenant-management-write"}, {}, "audit & export", true}}};
  const std::string page = Page(Sample(), ReportOptions{}, overrides);
  EXPECT_EQ(page.find("This plan carries no overrides."), std::string::npos);
  const std::string section = Element(page, "<section id=\"overrides\">", "</section>");
  EXPECT_EQ(section,
            "<h2>Overrides</h2>\n<h3>Keys with an override</h3>\n<p>&lt;o&gt;.yaml (sha256 o-sha): "
            "2 applied, 1 ignored (keys outside the filter).</p>\n<table><thead><tr>"
            "<th scope=\"col\">key</th><th scope=\"col\">name</th><th scope=\"col\">tenant</th>"
            "<th scope=\"col\">status</th><th scope=\"col\">add</th><th scope=\"col\">remove"
            "</th><th scope=\"col\">reason</th></tr></thead>\n"
            "<tr><td>k1</td><td></td><td>acme</td><td>change</td><td>report-management-read</td>"
            "<td>access-management-read</td><td>&lt;OPS-1&gt;</td></tr>\n"
            "<tr><td>k5</td><td></td><td></td><td>change</td><td>tenant-management-write "
            "(allow_write)</td><td></td><td>audit &amp; export</td></tr>\n</table>\n"
            "<h3>Privileged scopes granted by an override</h3>\n<p>Counted in the privileged "
            "grants above.</p>\n<table><thead><tr><th scope=\"col\">scope</th>"
            "<th scope=\"col\">keys</th></tr></thead>\n<tr><td>tenant-management-write</td>"
            "<td>1</td></tr>\n</table>\n");
  // A section handed over by the caller wins over the plan's own.
  ReportOptions options;
  options.extras.overrides = std::vector<ReportTable>{};
  EXPECT_EQ(Element(Page(Sample(), options, overrides), "<section id=\"overrides\">",
                    "</section>"),
            "<h2>Overrides</h2>\n");
}

TEST_F(ReportHtmlTest, ApprovalsShownWhenLookedUp) {
  ReportOptions options;
  options.approvals = std::vector<std::string>{"<alice> at 2026-01-01"};
  EXPECT_NE(Page(Sample(), options).find("<th scope=\"row\">approvals</th><td>&lt;alice&gt; at "
                                         "2026-01-01</td>"),
            std::string::npos);
  EXPECT_EQ(Page(Sample()).find(">approvals<"), std::string::npos);
}

}  // namespace
}  // namespace scope_migrate
