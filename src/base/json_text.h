// Small helpers for writing JSON by hand on the hot path (one line per key), where
// building a nlohmann::json object per key would cost more than the database read.
#pragma once

#include <string>
#include <vector>

namespace scope_migrate {

// Appends `value` as a JSON string literal (quotes included). UTF-8 passes through.
void AppendJsonString(std::string& out, const std::string& value);
void AppendJsonStringArray(std::string& out, const std::vector<std::string>& values);

}  // namespace scope_migrate
