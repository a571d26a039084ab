#include "base/durations.h"

#include <cctype>
#include <utility>

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
  if (unit == "d") return value * 86400 * 1000;
  if (unit.empty() && value == 0) return 0;
  return std::nullopt;
}

std::optional<int64_t> ParseByteSize(const std::string& text) {
  size_t i = 0;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (value > (int64_t{1} << 50)) return std::nullopt;
    value = value * 10 + (text[i++] - '0');
  }
  if (i == 0) return std::nullopt;
  std::string unit = text.substr(i);
  if (!unit.empty() && unit[0] == ' ') unit.erase(0, 1);
  static const std::pair<const char*, int> kUnits[] = {
      {"", 0},     {"B", 0},   {"kB", 10},  {"KB", 10}, {"KiB", 10}, {"MB", 20},
      {"MiB", 20}, {"GB", 30}, {"GiB", 30}, {"TB", 40}, {"TiB", 40}};
  for (const auto& [name, shift] : kUnits) {
    if (unit != name) continue;
    if (value > ((int64_t{1} << 62) >> shift)) return std::nullopt;
    return value << shift;
  }
  return std::nullopt;
}

}  // namespace scope_migrate
