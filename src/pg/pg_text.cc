#include "pg/pg_text.h"

#include <cctype>
#include <cstring>

#include "base/errors.h"

namespace scope_migrate {
namespace {

void AppendQuoted(std::string& out, const std::string& value) {
  out.push_back('"');
  for (const char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

// Reads a quoted array element starting at the opening quote `i`; returns the position
// after the closing quote.
size_t ReadQuotedElement(const std::string& literal, size_t i, size_t end, std::string& value) {
  ++i;  // opening quote
  while (i < end && literal[i] != '"') {
    if (literal[i] == '\\' && i + 1 < end) ++i;
    value.push_back(literal[i++]);
  }
  return i + 1;  // closing quote
}

int HexValue(char h) {
  return std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : std::tolower(h) - 'a' + 10;
}

// Decodes the escape whose letter is at line[i] (after the backslash) into `field`;
// returns the index of the escape's last character. Sets `null` for \N.
size_t DecodeCopyEscape(const std::string& line, size_t i, size_t n, std::string& field,
                        bool& null) {
  static const char kLetters[] = "tnrbfv";  // \t \n ... and the bytes they stand for
  static const char kBytes[] = "\t\n\r\b\f\v";
  const char e = line[i];
  if (e == 'N') {
    null = true;
    return i;
  }
  if (const char* letter = std::strchr(kLetters, e); letter != nullptr && e != '\0') {
    field.push_back(kBytes[letter - kLetters]);
    return i;
  }
  if (e == 'x') {
    int value = 0, digits = 0;
    while (digits < 2 && i + 1 < n && std::isxdigit(static_cast<unsigned char>(line[i + 1]))) {
      value = value * 16 + HexValue(line[++i]);
      ++digits;
    }
    field.push_back(static_cast<char>(value));
    return i;
  }
  if (e < '0' || e > '7') {
    field.push_back(e);  // \\ and any other escaped character stand for themselves
    return i;
  }
  int value = e - '0', digits = 1;
  while (digits < 3 && i + 1 < n && line[i + 1] >= '0' && line[i + 1] <= '7') {
    value = value * 8 + (line[++i] - '0');
    ++digits;
  }
  field.push_back(static_cast<char>(value));
  return i;
}

}  // namespace

std::vector<std::string> ParseTextArray(const std::string& literal) {
  std::vector<std::string> out;
  ParseTextArray(literal, out);
  return out;
}

void ParseTextArray(const std::string& literal, std::vector<std::string>& out) {
  // Elements are quoted when they hold special characters, with \ escaping " and \ inside
  // the quotes; an unquoted NULL is a NULL element.
  const size_t n = literal.size();
  if (n < 2 || literal.front() != '{' || literal.back() != '}') {
    throw RuntimeFailure("unexpected array from the database: " + literal);
  }
  size_t count = 0;
  auto next = [&out, &count]() -> std::string& {
    if (count == out.size()) out.emplace_back();
    std::string& value = out[count++];
    value.clear();
    return value;
  };
  const size_t end = n - 1;
  size_t i = 1;
  while (i < end) {
    if (literal[i] == '"') {
      i = ReadQuotedElement(literal, i, end, next());
    } else {
      const size_t comma = literal.find(',', i);
      const size_t stop = comma == std::string::npos || comma > end ? end : comma;
      if (literal.compare(i, stop - i, "NULL") != 0) next().assign(literal, i, stop - i);
      i = stop;
    }
    if (i < end && literal[i] == ',') ++i;
  }
  out.resize(count);
}

std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    AppendQuoted(out, values[i]);
  }
  return out + "}";
}

std::string NullableTextArrayLiteral(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    if (values[i]) {
      AppendQuoted(out, *values[i]);
    } else {
      out += "NULL";
    }
  }
  return out + "}";
}

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string QuoteQualified(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return QuoteIdentifier(name);
  return QuoteIdentifier(name.substr(0, dot)) + "." + QuoteIdentifier(name.substr(dot + 1));
}

void SplitCopyLine(const std::string& line, std::vector<std::optional<std::string>>& fields) {
  fields.clear();
  std::string field;
  bool null = false;
  const size_t n = !line.empty() && line.back() == '\n' ? line.size() - 1 : line.size();
  auto finish = [&] {
    if (null) {
      fields.emplace_back(std::nullopt);
    } else {
      fields.emplace_back(std::move(field));
    }
    field.clear();
    null = false;
  };
  for (size_t i = 0; i < n; ++i) {
    // Copy the run up to the next tab or backslash in one go (the common case).
    size_t run = i;
    while (run < n && line[run] != '\t' && line[run] != '\\') ++run;
    if (run > i) {
      field.append(line, i, run - i);
      i = run;
      if (i == n) break;
    }
    if (line[i] == '\t') {
      finish();
    } else if (i + 1 < n) {
      i = DecodeCopyEscape(line, i + 1, n, field, null);
    } else {
      field.push_back('\\');  // a lone backslash at the end of the line
    }
  }
  finish();
}

}  // namespace scope_migrate
