#include "base/shell_quote.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

namespace scope_migrate {
namespace {

bool IsControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

bool IsBare(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x80) return false;
  return std::isalnum(byte) || std::strchr("_@%+=:,./-", c) != nullptr;
}

// $'...': backslash and ' escaped, control characters as \xHH.
std::string DollarQuote(const std::string& arg) {
  std::string out = "$'";
  for (char c : arg) {
    if (IsControl(c)) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(c));
      out += hex;
    } else {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string ShellQuote(const std::string& arg) {
  if (!arg.empty() && std::all_of(arg.begin(), arg.end(), IsBare)) return arg;
  if (std::any_of(arg.begin(), arg.end(), IsControl)) return DollarQuote(arg);
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string ShellCommand(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& arg : args) out += (out.empty() ? "" : " ") + ShellQuote(arg);
  return out;
}

}  // namespace scope_migrate
