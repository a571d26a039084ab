// One JSON Lines usage record (SPEC 12.1) read into its fields. Our flat records
// ({"key":…,"method":…,"path":…,"at":…,"status":…,"count":…}, other members ignored) go
// through a dedicated scanner that reads the line in place: no allocation per record, no
// DOM, strings copied out only when they hold escapes. It is exact JSON (RFC 8259) for what
// it accepts: it refuses anything else with a reason, never guesses. Gateway logs, whose
// fields sit in nested objects (--usage-fields, dotted paths), are read with the general
// JSON library, as they are not the records the speed target is about.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scope_migrate {

// The six fields as text, before they are checked (usage_fields.h does that): views into
// the line, or into the scanner's own buffers where a string had escapes.
struct RawUsageFields {
  std::optional<std::string_view> key, method, path, at, status, count;
  bool at_is_number = false;  // `at` was a JSON number (gateway logs' epoch times)
};

class FlatJsonScanner {
 public:
  // Fills `out` from `line`; false with `why` set when the line is not a JSON object or a
  // member of ours has the wrong type (key: string or integer; method, path, at: string;
  // status, count: integer or null).
  bool Scan(std::string_view line, RawUsageFields& out, std::string& why);

 private:
  bool String(std::string_view& value, int field, std::string& why);
  bool SkipValue(int depth, std::string& why);
  bool Number(std::string_view& value, std::string& why);
  void Space();

  const char* p_ = nullptr;
  const char* end_ = nullptr;
  std::string unescaped_[7];  // per field (and the member name), when a string has escapes
};

// The dotted paths of --usage-fields into a gateway's JSON record.
struct UsageFieldPaths {
  std::string key, method, path, at, status, count;  // status, count: "" when not given
  enum class AtUnit { kRfc3339, kSeconds, kMilliseconds } at_unit = AtUnit::kRfc3339;
};

// "key=a.b,method=request.method,path=request.uri,at=started_at:ms[,status=…][,count=…]";
// nullopt with `why` set when it is not that.
std::optional<UsageFieldPaths> ParseUsageFieldPaths(const std::string& text, std::string& why);

// Reads a gateway record with the general JSON library; `storage` keeps the values the
// views of `out` point into (numbers are written back as text).
bool ScanGatewayRecord(std::string_view line, const UsageFieldPaths& paths, RawUsageFields& out,
                       std::string (&storage)[6], std::string& why);

}  // namespace scope_migrate
