// Making data safe to show. Key ids, tenants, names and role strings come from the
// database and may hold anything: a newline that forges a report line, an escape sequence
// that repaints the terminal, a "|" that breaks a Markdown table. Every report writes them
// through these functions.
#pragma once

#include <string>

namespace scope_migrate {

// For a terminal or a log: \n, \r and \t written as those two characters, any other
// control character as \xHH; everything else, UTF-8 included, unchanged.
std::string Printable(const std::string& text);

// For a Markdown table cell or code span: Printable, then "|" escaped and "`" (which
// would end a code span) replaced by "'".
std::string MarkdownCell(const std::string& text);

// For XML text and attribute values: & < > " ' as entities, and the control characters
// XML 1.0 forbids (all below 0x20 but tab, newline and carriage return) as \xHH.
std::string XmlText(const std::string& text);

// For a GitHub Actions workflow command (::error file=F,line=L::MESSAGE): % and line
// breaks percent-encoded; with `property`, also ":" and "," (they end a property).
std::string GithubEscape(const std::string& text, bool property);

}  // namespace scope_migrate
