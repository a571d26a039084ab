// One record of the usage input (SPEC 12.1): a call, or an aggregate of `count` calls whose
// last one was at `at`, of a key to a method and path. The readers (plan/usage_reader.h,
// the usage table in pg/) hand records to a UsageVisitor as they read them, so memory
// never grows with the number of records; the views are valid during the call only.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/timestamps.h"

namespace scope_migrate {

struct UsageRecord {
  std::string_view key, method, path;
  Instant at = 0;
  int status = 0;      // the HTTP status, 0 when the record has none
  uint64_t count = 1;  // calls this record stands for, at least 1
};

class UsageVisitor {
 public:
  virtual ~UsageVisitor() = default;
  virtual void Visit(const UsageRecord& record) = 0;
};

}  // namespace scope_migrate
