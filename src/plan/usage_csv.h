// CSV usage records (SPEC 12.1): a header row naming key, method, path, at and optionally
// status and count, in any order (other columns are ignored, names are trimmed and
// compared without case), then one record per line. Fields follow RFC 4180: a field in
// double quotes may hold commas and doubled quotes; a quoted field must end on its line
// (usage values never hold line breaks). Every row has the header's number of fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plan/usage_json.h"

namespace scope_migrate {

class CsvUsageScanner {
 public:
  // Reads the header row; false with `why` set when a required column is missing, a column
  // of ours is named twice or the row does not parse.
  bool Header(std::string_view line, std::string& why);
  // One record row into `out` (views into the line or the scanner's buffers).
  bool Row(std::string_view line, RawUsageFields& out, std::string& why);

 private:
  bool Split(std::string_view line, std::string& why);

  size_t columns_ = 0;
  int column_of_[6] = {-1, -1, -1, -1, -1, -1};  // key, method, path, at, status, count
  std::vector<std::string_view> fields_;
  std::vector<std::string> unquoted_;
};

}  // namespace scope_migrate
