#include "base/timestamps.h"

#include <cctype>
#include <cstdio>
#include <limits>

namespace scope_migrate {
namespace {

// Days from 1970-01-01 to the given civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool Digits(const std::string& s, size_t pos, size_t count, int* out) {
  if (pos + count > s.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    value = value * 10 + (s[i] - '0');
  }
  *out = value;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// ParseRfc3339 without the range check.
std::optional<Instant> ParseAnyYear(const std::string& s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, &year) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &minute) || s[16] != ':' ||
      !Digits(s, 17, 2, &second)) {
    return std::nullopt;
  }
  static const int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 ||
      day > kDaysInMonth[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_seconds = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * 1000000 + micros;
}

bool InYears(Instant instant) {
  static const Instant kFirst = DaysFromCivil(1, 1, 1) * 86400 * 1000000;
  static const Instant kEnd = DaysFromCivil(10000, 1, 1) * 86400 * 1000000;
  return instant >= kFirst && instant < kEnd;
}

}  // namespace

std::optional<Instant> ParseRfc3339(const std::string& text) {
  const auto instant = ParseAnyYear(text);
  if (!instant || !InYears(*instant)) return std::nullopt;
  return instant;
}

bool OutsideYears(const std::string& text) {
  const auto instant = ParseAnyYear(text);
  return instant && !InYears(*instant);
}

std::optional<Instant> ParseEpochSeconds(const std::string& text) {
  if (text == "Infinity") return std::numeric_limits<Instant>::max();
  if (text == "-Infinity") return std::numeric_limits<Instant>::min();
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  int64_t seconds = 0, micros = 0;
  size_t digits = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
    if (digits >= 15) return std::nullopt;  // beyond any timestamp PostgreSQL stores
    seconds = seconds * 10 + (text[i] - '0');
  }
  if (digits == 0) return std::nullopt;
  if (i < text.size() && text[i] == '.') {
    size_t fraction = 0;
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (++fraction > 6) return std::nullopt;  // PostgreSQL keeps microseconds
      micros = micros * 10 + (text[i] - '0');
    }
    if (fraction == 0) return std::nullopt;
    for (; fraction < 6; ++fraction) micros *= 10;
  }
  if (i != text.size()) return std::nullopt;
  // PostgreSQL's range (to year 294276) passes the Instant's (to year 294247): beyond it,
  // an instant saturates like the infinities, rather than overflowing.
  constexpr Instant kMax = std::numeric_limits<Instant>::max();
  if (seconds > kMax / 1000000 || (seconds == kMax / 1000000 && micros > kMax % 1000000)) {
    return negative ? std::numeric_limits<Instant>::min() : kMax;
  }
  const Instant value = seconds * 1000000 + micros;
  return negative ? -value : value;
}

std::string FormatUtc(Instant instant) {
  int64_t seconds = instant / 1000000;
  int64_t micros = instant % 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                static_cast<long long>(y), m, d, static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  std::string out = buffer;
  if (micros != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06lld", static_cast<long long>(micros));
    out += buffer;
  }
  return out + "Z";
}

}  // namespace scope_migrate
