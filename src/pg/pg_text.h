// PostgreSQL's text forms, as the tool reads and writes them: one-dimensional text arrays
// ({a,"b c",NULL}) and lines of COPY's text format (tab-separated, \N for NULL, backslash
// escapes). Pure functions over strings, so every escape is unit-tested without a server;
// the database code only feeds them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scope_migrate {

// Parses the server's output form of a one-dimensional text[] into its elements, in order.
// NULL elements are dropped (a role or scope that is NULL is no value). Throws
// ToolError(1) when `literal` is not an array.
std::vector<std::string> ParseTextArray(const std::string& literal);
// The same into `out` (cleared first), reusing its storage: the plan's hot path.
void ParseTextArray(const std::string& literal, std::vector<std::string>& out);

// The input form of a text[] holding `values`: every element double-quoted, with " and
// backslash escaped, so any byte string (commas, braces, NULL as a word, empty) round-trips.
std::string TextArrayLiteral(const std::vector<std::string>& values);
// The same with NULL elements for absent values.
std::string NullableTextArrayLiteral(const std::vector<std::optional<std::string>>& values);

// An identifier quoted for SQL: "name", with any " doubled (PostgreSQL's own rule), so
// no name from a layout or an option is ever spliced in raw.
std::string QuoteIdentifier(const std::string& name);
// A possibly schema-qualified name: "legacy.keys" -> "legacy"."keys".
std::string QuoteQualified(const std::string& name);

// Splits one line of COPY text format (a trailing \n is ignored) into its fields, undoing
// the escapes (\t \n \r \b \f \v \\, octal \NNN, hex \xHH); \N alone is a NULL field.
void SplitCopyLine(const std::string& line, std::vector<std::optional<std::string>>& fields);

}  // namespace scope_migrate
