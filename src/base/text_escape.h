// Making data safe to show. Key ids, tenants, names and role strings come from the
// database and may hold anything: a newline that forges a report line, an escape sequence
// that repaints the terminal, a "|" that breaks a Markdown table. Every report writes them
// through these functions.
#pragma once

#include <string>

namespace scope_migrate {

// For a terminal or a log: \n, \r and \t written as those two characters, any other
// control character as \xHH; the C1 controls (U+0080 to U+009F, which some terminals obey
// as escape sequences) and the invisible marks that reorder text (the bidi embeddings and
// overrides U+202A to U+202E, the isolates U+2066 to U+2069, U+200E and U+200F) as \uHHHH,
// so a name cannot make a line read other than it is; everything else, UTF-8 included,
// unchanged.
std::string Printable(const std::string& text);

// For a message of the tool's own on stderr (an error, a note, a warning) that may quote
// data: Printable, except that a newline followed by two spaces stays a line break. That is
// how the tool continues a message with a list ("...:\n  us-1: ..."); a newline followed
// by anything else (a trigger's RAISE text "...\nscope-migrate: all done", say) is written
// as \n, so no text can start a line that reads as the tool's own.
std::string PrintableMessage(const std::string& text);

// For the inside of a Markdown code span (in a table or not): Printable, then "|" escaped
// (GitHub's tables split cells on it even in a code span) and "`" (which would end the
// span) replaced by "'".
std::string MarkdownCell(const std::string& text);

// For a value from data (a name, tenant, reason, role, approver, a plan header's text) in
// Markdown: a code span of MarkdownCell(text), inside which nothing is markup: no HTML,
// no link, image or autolink, no emphasis, and GitHub's @mentions and #references stay
// text. "" for "" (an empty code span is not one).
std::string MarkdownCode(const std::string& text);

// Appends `value` as one CSV cell: a value a spreadsheet would take for a formula (one
// starting with =, +, -, @, a tab or a CR) gets a leading ' (OWASP's advice against CSV
// injection), then a value holding a comma, quote, CR or LF is quoted with its quotes
// doubled (RFC 4180).
void AppendCsvField(std::string& out, const std::string& value);
std::string CsvField(const std::string& value);

// For XML text and attribute values: & < > " ' as entities, and the control characters
// XML 1.0 forbids (all below 0x20 but tab, newline and carriage return) as \xHH.
std::string XmlText(const std::string& text);

// For a GitHub Actions workflow command (::error file=F,line=L::MESSAGE): % and line
// breaks percent-encoded; with `property`, also ":" and "," (they end a property).
std::string GithubEscape(const std::string& text, bool property);

}  // namespace scope_migrate
