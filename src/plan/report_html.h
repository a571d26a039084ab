// The review page (SPEC 12.4): `--format html` writes one self-contained HTML file, fed the
// same header, keys and summary as the other report writers (MakeHtmlWriter in report.h).
// Its script and style are the source files plan/report_html/page.js and page.css, embedded
// at build time (cmake/embed_files.cmake); a Content-Security-Policy allows exactly those
// two texts, by their SHA-256, and no request of any kind. This header holds what the
// writer is made of, for its tests: the escaping of every value written into the page, the
// CSP hash, the embedded texts, and the table shape of the sections other stages add.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scope_migrate {

// For HTML text and double- or single-quoted attribute values: Printable (control
// characters and the bidi marks that reorder text made visible, as in the text report),
// then & < > " ' as character references.
std::string HtmlText(const std::string& text);

// Appends `value` as a JSON string literal that is safe inside a <script> data block:
// Printable, JSON-escaped, then < > & as \u003c \u003e \u0026, so no "</script", "<!--"
// or "<script" can appear in the element's text.
void AppendScriptJsonString(std::string& out, const std::string& value);

// "'sha256-BASE64'": the Content-Security-Policy source that allows exactly `text` as the
// content of an inline <script> or <style> element.
std::string CspHashSource(std::string_view text);

// The page's script and style, as embedded from plan/report_html/ at build time.
std::string_view PageScript();
std::string_view PageStyle();

// A section of the page made of one table, for the parts other stages add to a plan
// (overrides, the traffic replay): a heading, a sentence, the column headers and the rows,
// every cell escaped when written. A row's cells line up with `headers`.
struct ReportTable {
  std::string title;
  std::string note;
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};

// The parts of a plan the page shows only when the plan carries them; absent: the section
// says the plan has none. The planner and `show` fill them from the plan's own data.
struct ReportExtras {
  std::optional<std::vector<ReportTable>> overrides;
  std::optional<std::vector<ReportTable>> replay;
};

}  // namespace scope_migrate
