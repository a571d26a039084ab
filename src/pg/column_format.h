// The value formats of a roles or scopes column (SPEC section 10.9), as pure functions over
// strings so every rule is unit-tested without a server:
//   array      a text[]/varchar[] column, read through its JSON form (to_json), so NULL
//              elements, nested arrays and odd lower bounds are seen rather than guessed;
//   json       a json/jsonb column, or text holding JSON: an array of strings;
//   delimited  text split on a separator (default ","), elements trimmed of ASCII
//              whitespace, empty ones ignored.
// A NULL value holds no items. A value that does not parse is not an error of the tool but
// a fact about the key: ParseColumnValue says why, and the decision blocks the key.
//
// EditColumnValue computes what is written: the items of `remove` taken out, those of `add`
// appended in the order given (catalog order). An array is written as an array literal, a
// JSON value as a compact JSON array; a delimited string keeps its bytes, order and
// separator (only removed elements go), new items joined with the separator as the value
// already spaces it (", " when the value reads "a, b"). NULL stays NULL when nothing is
// added.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scope_migrate {

enum class ValueFormat { kArray, kJson, kDelimited };

struct ColumnFormat {
  ValueFormat format = ValueFormat::kArray;
  std::string separator = ",";  // delimited only
};

const char* FormatName(ValueFormat format);  // "array", "json", "delimited"
std::optional<ValueFormat> ParseFormatName(const std::string& name);

// The items of `text` (the column read as text; for array its to_json form) into `items`
// (cleared first). Returns "" or why the value does not parse ("not a JSON array", ...).
std::string ParseColumnValue(const ColumnFormat& format, const std::optional<std::string>& text,
                             std::vector<std::string>& items);

// The new value of a column now holding `raw` (its text form) whose items are `items`.
std::optional<std::string> EditColumnValue(const ColumnFormat& format,
                                           const std::optional<std::string>& raw,
                                           const std::vector<std::string>& items,
                                           const std::vector<std::string>& add,
                                           const std::vector<std::string>& remove);

// Why `item` cannot be written in this format ("holds the separator", ...), or "".
std::string UnwritableItem(const ColumnFormat& format, const std::string& item);

}  // namespace scope_migrate
