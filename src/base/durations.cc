#include "base/durations.h"

#include <cctype>

namespace scope_migrate {

std::optional<int64_t> ParseDurationMs(const std::string& text) {
  size_t i = 0;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (value > 1000000000) return std::nullopt;
    value = value * 10 + (text[i++] - '0');
  }
  if (i == 0) return std::nullopt;
  const std::string unit = text.substr(i);
  if (unit == "ms") return value;
  if (unit == "s") return value * 1000;
  if (unit == "min" || unit == "m") return value * 60 * 1000;
  if (unit == "h") return value * 3600 * 1000;
  if (unit.empty() && value == 0) return 0;
  return std::nullopt;
}

}  // namespace scope_migrate
