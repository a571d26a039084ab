#include "base/json_text.h"

namespace scope_migrate {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
size_t Utf8Length(const std::string& s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

void AppendJsonString(std::string& out, const std::string& value) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const size_t n = value.size();
  size_t i = 0;
  while (i < n) {
    // Copy the run of characters that need no escaping in one go (the common case).
    size_t run = i;
    while (run < n) {
      const unsigned char u = static_cast<unsigned char>(value[run]);
      if (u < 0x20 || u == '"' || u == '\\' || u >= 0x80) break;
      ++run;
    }
    out.append(value, i, run - i);
    i = run;
    if (i == n) break;
    const char c = value[i];
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      // Valid UTF-8 passes through; a stray byte (a SQL_ASCII database) becomes \u00XX so
      // the line stays valid JSON. Such a key's state then no longer matches its
      // plan line, so apply refuses the plan instead of guessing.
      const size_t length = Utf8Length(value, i);
      if (length > 0) {
        out.append(value, i, length);
        i += length;
      } else {
        out += "\\u00";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0xf]);
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0xf]);
    }
    ++i;
  }
  out.push_back('"');
}

void AppendJsonStringArray(std::string& out, const std::vector<std::string>& values) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    AppendJsonString(out, values[i]);
  }
  out.push_back(']');
}

size_t JsonNestingPastLimit(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string::npos;
}

}  // namespace scope_migrate
