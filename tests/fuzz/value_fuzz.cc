// Values from the command line and the database: column value formats (with PostgreSQL's
// array and COPY text forms), durations and instants, conninfo redaction, and the escapers
// every report writes names through. Each also checks the promise its header makes.

#include <algorithm>
#include <cstring>

#include "base/durations.h"
#include "base/errors.h"
#include "base/text_escape.h"
#include "base/timestamps.h"
#include "fuzz/fuzz_targets.h"
#include "fuzz/fuzz_util.h"
#include "pg/column_format.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate::fuzz {
namespace {

// Byte 0: the format (low bits) and a NULL value (high bit); byte 1: the separator's
// length (1 to 3), then the separator; the rest is the value.
bool SplitColumnInput(const std::string& in, ColumnFormat& format,
                      std::optional<std::string>& value) {
  if (in.size() < 2) return false;
  const auto head = static_cast<unsigned char>(in[0]);
  format.format = static_cast<ValueFormat>(head % 3);
  const size_t separator = static_cast<unsigned char>(in[1]) % 3 + 1;
  if (in.size() < 2 + separator) return false;
  format.separator = in.substr(2, separator);
  if (head & 0x80) {
    value.reset();
  } else {
    value = in.substr(2 + separator);
  }
  return true;
}

// Editing keeps every item but the removed one and appends the added one, and the new
// value reads back as exactly that.
void CheckEdit(const ColumnFormat& format, const std::optional<std::string>& value,
               const std::vector<std::string>& items, const std::string& in) {
  const std::vector<std::string> add = {"fuzz-added"};
  // Only writable items are ever added (CheckScopesWritable refuses a catalog with others).
  if (!UnwritableItem(format, add[0]).empty()) return;
  const std::vector<std::string> remove(items.begin(),
                                        items.begin() + std::min<size_t>(1, items.size()));
  const std::optional<std::string> edited = EditColumnValue(format, value, items, add, remove);
  Check(edited.has_value(), "an edit that adds an item gives a value", in);
  std::vector<std::string> expected;
  for (const std::string& item : items) {
    if (std::find(remove.begin(), remove.end(), item) == remove.end()) expected.push_back(item);
  }
  expected.push_back("fuzz-added");
  std::vector<std::string> read_back;
  if (format.format == ValueFormat::kArray) {
    read_back = ParseTextArray(*edited);
  } else {
    Check(ParseColumnValue(format, edited, read_back).empty(), "an edited value parses", in);
  }
  Check(read_back == expected, "an edited value reads back as the items kept plus the added", in);
}

}  // namespace

int FuzzColumnFormat(const uint8_t* data, size_t size) {
  const std::string in = AsString(data, size);
  try {
    std::vector<std::string> elements;
    ParseTextArray(in, elements);
    std::vector<std::optional<std::string>> fields;
    SplitCopyLine(in, fields);
  } catch (const ToolError&) {
  }
  ColumnFormat format;
  std::optional<std::string> value;
  if (!SplitColumnInput(in, format, value)) return 0;
  std::vector<std::string> items;
  if (!ParseColumnValue(format, value, items).empty()) {
    Check(items.empty(), "a value that does not parse holds no items", in);
    return 0;
  }
  if (!value) Check(items.empty(), "NULL holds no items", in);
  for (const std::string& item : items) {
    Check(UnwritableItem(format, item).empty(), "an item read from a value is writable", in);
  }
  CheckEdit(format, value, items, in);
  return 0;
}

int FuzzTimes(const uint8_t* data, size_t size) {
  const std::string in = AsString(data, size);
  if (const std::optional<int64_t> ms = ParseDurationMs(in)) {
    Check(*ms >= 0, "a duration is not negative", in);
  }
  if (const std::optional<Instant> instant = ParseRfc3339(in)) {
    Check(ParseRfc3339(FormatUtc(*instant)) == instant, "an instant prints and reads back", in);
  }
  ParseEpochSeconds(in);
  if (size >= sizeof(Instant)) {
    Instant any = 0;
    std::memcpy(&any, data, sizeof any);
    FormatUtc(any);
  }
  return 0;
}

int FuzzConninfo(const uint8_t* data, size_t size) {
  const std::string in = AsString(data, size);
  const std::string shown = RedactConninfo(in);
  Check(shown != in || in.find('\0') == std::string::npos,
        "text holding a NUL is never shown as typed", in);
  Check(StoredConninfoProblem(in) != nullptr || shown == in,
        "a conninfo that may be stored is shown as typed", in);
  return 0;
}

int FuzzTextEscape(const uint8_t* data, size_t size) {
  const std::string in = AsString(data, size);
  const auto is_control = [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  };
  const std::string printable = Printable(in);
  Check(std::none_of(printable.begin(), printable.end(), is_control),
        "Printable leaves no control character", in);
  const std::string cell = MarkdownCell(in);
  Check(std::none_of(cell.begin(), cell.end(), is_control) && cell.find('`') == std::string::npos,
        "a Markdown cell holds no control character and no backquote", in);
  for (size_t at = cell.find('|'); at != std::string::npos; at = cell.find('|', at + 1)) {
    Check(at > 0 && cell[at - 1] == '\\', "every | of a Markdown cell is escaped", in);
  }
  const std::string xml = XmlText(in);
  Check(xml.find_first_of("<>\"'") == std::string::npos, "XML text holds no markup character", in);
  for (const bool property : {false, true}) {
    const std::string github = GithubEscape(in, property);
    Check(github.find_first_of(property ? "\r\n:," : "\r\n") == std::string::npos,
          "a GitHub command value holds no line break (nor : , in a property)", in);
  }
  return 0;
}

}  // namespace scope_migrate::fuzz
