// The usage files of `simulate` and `plan --usage` (SPEC 12.1): each read as a stream of
// records handed to a UsageVisitor (core/usage_record.h), so memory does not grow with
// the file. JSON Lines or CSV by the name (".csv", else JSON Lines; a ".gz" or ".zst"
// after it is skipped), compression by the first bytes (plain, gzip, zstd); "-" is
// standard input, JSON Lines. Blank lines are skipped. Hostile input (SPEC 11.5) is refused
// with ToolError(65) "FILE:LINE:1: reason": a line over kMaxUsageLineBytes, a NUL byte,
// invalid UTF-8, a record that does not parse, a missing or malformed field (`at` must be
// RFC 3339 with an offset, or epoch seconds/milliseconds with --usage-fields' :s/:ms;
// `status` an integer 100-599; `count` an integer >= 1). A path that is not a regular
// file (a FIFO, a device) is refused unless it is "-".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/usage_record.h"
#include "plan/usage_json.h"

namespace scope_migrate {

inline constexpr size_t kMaxUsageLineBytes = 1024 * 1024;

enum class UsageFormat { kJsonLines, kCsv };

// By name: "x.csv", "x.csv.gz", "x.csv.zst" are CSV; anything else (and "-") JSON Lines.
UsageFormat UsageFormatOf(const std::string& path);

struct UsageReadOptions {
  std::optional<UsageFieldPaths> fields;  // --usage-fields: gateway JSON records
};

// Reads every record of `path` into `visitor`; returns the number of records.
uint64_t ReadUsageFile(const std::string& path, const UsageReadOptions& options,
                       UsageVisitor& visitor);

// The record `fields` stand for, or nullopt with `why` set (the reasons of the header).
std::optional<UsageRecord> CheckUsageFields(const RawUsageFields& fields,
                                            UsageFieldPaths::AtUnit at_unit, std::string& scratch,
                                            std::string& why);

}  // namespace scope_migrate
