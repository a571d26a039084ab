#include "base/text_escape.h"

namespace scope_migrate {

std::string Printable(const std::string& text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
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
