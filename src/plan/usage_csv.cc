#include "plan/usage_csv.h"

#include <algorithm>
#include <cctype>

namespace scope_migrate {
namespace {

constexpr const char* kColumns[6] = {"key", "method", "path", "at", "status", "count"};

std::string Folded(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  std::string out(text.substr(begin, end - begin));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool CsvUsageScanner::Split(std::string_view line, std::string& why) {
  fields_.clear();
  size_t quoted = 0;
  size_t i = 0;
  for (;;) {
    if (i < line.size() && line[i] == '"') {
      if (unquoted_.size() <= quoted) unquoted_.emplace_back();
      std::string& out = unquoted_[quoted++];
      out.clear();
      ++i;
      for (;;) {
        const size_t close = line.find('"', i);
        if (close == std::string_view::npos) {
          why = "a quoted field that does not end on its line";
          return false;
        }
        out.append(line.substr(i, close - i));
        i = close + 1;
        if (i < line.size() && line[i] == '"') {
          out += '"';
          ++i;
          continue;
        }
        break;
      }
      fields_.emplace_back(out);
      if (i < line.size() && line[i] != ',') {
        why = "text after a quoted field";
        return false;
      }
    } else {
      const size_t comma = std::min(line.find(',', i), line.size());
      const std::string_view field = line.substr(i, comma - i);
      if (field.find('"') != std::string_view::npos) {
        why = "a quote inside an unquoted field";
        return false;
      }
      fields_.push_back(field);
      i = comma;
    }
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

bool CsvUsageScanner::Header(std::string_view line, std::string& why) {
  if (!Split(line, why)) return false;
  columns_ = fields_.size();
  for (size_t c = 0; c < fields_.size(); ++c) {
    const std::string name = Folded(fields_[c]);
    for (int f = 0; f < 6; ++f) {
      if (name != kColumns[f]) continue;
      if (column_of_[f] >= 0) {
        why = "the header names \"" + name + "\" twice";
        return false;
      }
      column_of_[f] = static_cast<int>(c);
    }
  }
  for (int f = 0; f < 4; ++f) {
    if (column_of_[f] < 0) {
      why = std::string("the header has no \"") + kColumns[f] +
            "\" column (needed: key, method, path, at; optional: status, count)";
      return false;
    }
  }
  return true;
}

bool CsvUsageScanner::Row(std::string_view line, RawUsageFields& out, std::string& why) {
  out = RawUsageFields{};
  if (!Split(line, why)) return false;
  if (fields_.size() != columns_) {
    why = "a row of " + std::to_string(fields_.size()) + " fields under a header of " +
          std::to_string(columns_);
    return false;
  }
  std::optional<std::string_view>* slots[6] = {&out.key, &out.method, &out.path,
                                               &out.at,  &out.status, &out.count};
  for (int f = 0; f < 6; ++f) {
    if (column_of_[f] < 0) continue;
    const std::string_view value = fields_[column_of_[f]];
    if (f >= 4 && value.empty()) continue;  // an empty status or count: absent
    *slots[f] = value;
  }
  return true;
}

}  // namespace scope_migrate
