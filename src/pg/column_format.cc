#include "pg/column_format.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/json_text.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

constexpr const char* kWhitespace = " \t\r\n\f\v";

std::string Trim(const std::string& text) {
  const size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
}

// `text` cut at every `separator`, pieces kept as they are.
std::vector<std::string> Pieces(const std::string& text, const std::string& separator) {
  std::vector<std::string> pieces;
  size_t start = 0;
  for (size_t at = text.find(separator); at != std::string::npos;
       at = text.find(separator, start)) {
    pieces.push_back(text.substr(start, at - start));
    start = at + separator.size();
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The common case without building a document: an array of strings of printable ASCII
// without escapes (what to_json of a text[] of role names gives). Returns false, with
// `items` unspecified, for anything else; the full parser then decides. A profile of the
// plan of a text[] column put the document parser at 10% of the tool's CPU.
bool ParsePlainStringArray(const std::string& text, std::vector<std::string>& items) {
  size_t i = 0;
  const size_t n = text.size();
  auto skip = [&] {
    while (i < n && IsJsonSpace(text[i])) ++i;
  };
  skip();
  if (i == n || text[i] != '[') return false;
  ++i;
  skip();
  if (i < n && text[i] == ']') {
    ++i;
    skip();
    return i == n;
  }
  while (i < n) {
    if (text[i] != '"') return false;
    const size_t start = ++i;
    while (i < n && text[i] != '"') {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
      ++i;
    }
    if (i == n) return false;
    items.emplace_back(text, start, i - start);
    ++i;
    skip();
    if (i < n && text[i] == ',') {
      ++i;
      skip();
      continue;
    }
    if (i < n && text[i] == ']') {
      ++i;
      skip();
      return i == n;
    }
    return false;
  }
  return false;
}

std::string ParseJsonArray(const std::string& text, bool from_array_column,
                           std::vector<std::string>& items) {
  if (ParsePlainStringArray(text, items)) return "";
  items.clear();
  if (JsonNestingPastLimit(text) != std::string::npos) {
    return "JSON nested deeper than " + std::to_string(kMaxJsonNesting) + " levels";
  }
  const nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) return "not JSON";
  if (!value.is_array()) return std::string("a JSON ") + value.type_name() + ", not an array";
  for (size_t i = 0; i < value.size(); ++i) {
    const nlohmann::json& item = value[i];
    if (item.is_string()) {
      items.push_back(item.get<std::string>());
      continue;
    }
    if (from_array_column) {
      return item.is_array() ? "a multi-dimensional array"
                             : "element " + std::to_string(i + 1) + " is NULL";
    }
    return "element " + std::to_string(i + 1) + " is a " + item.type_name() + ", not a string";
  }
  return "";
}

bool IsRemoved(const std::vector<std::string>& remove, const std::string& item) {
  return std::find(remove.begin(), remove.end(), item) != remove.end();
}

// The separator as the value spaces it: the separator plus the whitespace that follows
// its first occurrence ("a, b" -> ", ").
std::string Joiner(const std::string& raw, const std::string& separator) {
  const size_t at = raw.find(separator);
  if (at == std::string::npos || Trim(separator).empty()) return separator;
  const size_t after = at + separator.size();
  const size_t end = raw.find_first_not_of(kWhitespace, after);
  return separator + raw.substr(after, (end == std::string::npos ? raw.size() : end) - after);
}

std::string EditDelimited(const ColumnFormat& format, const std::string& raw,
                          const std::vector<std::string>& add,
                          const std::vector<std::string>& remove) {
  std::string out = raw;
  if (!remove.empty()) {
    out.clear();
    bool first = true;
    for (const std::string& piece : Pieces(raw, format.separator)) {
      if (IsRemoved(remove, Trim(piece))) continue;
      out += (first ? "" : format.separator) + piece;
      first = false;
    }
  }
  if (add.empty()) return out;
  const std::string joiner = Joiner(raw, format.separator);
  std::string appended;
  for (const std::string& item : add) appended += (appended.empty() ? "" : joiner) + item;
  if (Trim(out).empty()) return appended;
  return out + joiner + appended;
}

}  // namespace

const char* FormatName(ValueFormat format) {
  static const char* const kNames[] = {"array", "json", "delimited"};  // enum order
  return kNames[static_cast<int>(format)];
}

std::optional<ValueFormat> ParseFormatName(const std::string& name) {
  for (const ValueFormat f : {ValueFormat::kArray, ValueFormat::kJson, ValueFormat::kDelimited}) {
    if (name == FormatName(f)) return f;
  }
  return std::nullopt;
}

std::string ParseColumnValue(const ColumnFormat& format, const std::optional<std::string>& text,
                             std::vector<std::string>& items) {
  items.clear();
  if (!text) return "";
  if (format.format != ValueFormat::kDelimited) {
    const std::string error = ParseJsonArray(*text, format.format == ValueFormat::kArray, items);
    if (!error.empty()) items.clear();
    return error;
  }
  for (const std::string& piece : Pieces(*text, format.separator)) {
    std::string item = Trim(piece);
    if (!item.empty()) items.push_back(std::move(item));
  }
  return "";
}

std::optional<std::string> EditColumnValue(const ColumnFormat& format,
                                           const std::optional<std::string>& raw,
                                           const std::vector<std::string>& items,
                                           const std::vector<std::string>& add,
                                           const std::vector<std::string>& remove) {
  if (!raw && add.empty()) return raw;
  if (format.format == ValueFormat::kDelimited) {
    return EditDelimited(format, raw.value_or(""), add, remove);
  }
  std::vector<std::string> kept;
  for (const std::string& item : items) {
    if (!IsRemoved(remove, item)) kept.push_back(item);
  }
  kept.insert(kept.end(), add.begin(), add.end());
  if (format.format == ValueFormat::kArray) return TextArrayLiteral(kept);
  return nlohmann::json(kept).dump();
}

std::string UnwritableItem(const ColumnFormat& format, const std::string& item) {
  if (format.format != ValueFormat::kDelimited) return "";
  if (item.find(format.separator) != std::string::npos) {
    return "holds the separator \"" + format.separator + "\"";
  }
  if (Trim(item) != item || item.empty()) return "is empty or has whitespace at an end";
  return "";
}

}  // namespace scope_migrate
