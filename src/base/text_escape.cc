#include "base/text_escape.h"

namespace scope_migrate {

namespace {

const char kHex[] = "0123456789abcdef";

// The code point of the C1 control or bidi mark encoded at text[i] (2 or 3 bytes, set in
// `size`), or 0.
unsigned HiddenMark(const std::string& text, size_t i, size_t* size) {
  const auto at = [&](size_t k) {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u;
  };
  if (at(i) == 0xC2 && at(i + 1) >= 0x80 && at(i + 1) <= 0x9F) {
    *size = 2;
    return at(i + 1);  // U+0080 to U+009F
  }
  if (at(i) != 0xE2 || (at(i + 1) != 0x80 && at(i + 1) != 0x81)) return 0;
  const unsigned code = 0x2000 + ((at(i + 1) & 0x3F) << 6) + (at(i + 2) & 0x3F);
  const bool hidden = code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) ||
                      (code >= 0x2066 && code <= 0x2069);
  if (!hidden || (at(i + 2) & 0xC0) != 0x80) return 0;
  *size = 3;
  return code;
}

}  // namespace

std::string Printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    size_t size = 0;
    if (const unsigned mark = u >= 0xC2 ? HiddenMark(text, i, &size) : 0) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(mark >> shift) & 0xF]);
      i += size - 1;
      continue;
    }
    if (u >= 0x20 && u != 0x7f) {
      out.push_back(c);
      continue;
    }
    out.push_back('\\');
    if (c == '\n' || c == '\r' || c == '\t') {
      out.push_back(c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
    } else {
      out.push_back('x');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  return out;
}

std::string PrintableMessage(const std::string& text) {
  std::string out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    out += Printable(text.substr(start, nl - start));
    out += text.compare(nl + 1, 2, "  ") == 0 ? "\n" : "\\n";
  }
  return out + Printable(text.substr(start));
}

std::string MarkdownCell(const std::string& text) {
  std::string out;
  for (const char c : Printable(text)) {
    if (c == '|') {
      out += "\\|";
    } else {
      out.push_back(c == '`' ? '\'' : c);
    }
  }
  return out;
}

std::string MarkdownCode(const std::string& text) {
  return text.empty() ? "" : "`" + MarkdownCell(text) + "`";
}

void AppendCsvField(std::string& out, const std::string& value) {
  const bool formula =
      !value.empty() && std::string("=+-@\t\r").find(value[0]) != std::string::npos;
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    if (formula) out.push_back('\'');
    out += value;
    return;
  }
  out.push_back('"');
  if (formula) out.push_back('\'');
  for (const char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string CsvField(const std::string& value) {
  std::string out;
  AppendCsvField(out, value);
  return out;
}

std::string XmlText(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += Printable(std::string(1, c));
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string GithubEscape(const std::string& text, bool property) {
  std::string out;
  for (const char c : text) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (property && c == ':') {
      out += "%3A";
    } else if (property && c == ',') {
      out += "%2C";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace scope_migrate
