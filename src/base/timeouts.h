// --lock-timeout and --statement-timeout: set with SET LOCAL on every transaction the tool
// opens (db.h's SetLocalTimeouts), so a wait past them rolls that transaction back whole.
#pragma once

#include <cstdint>
#include <optional>

namespace scope_migrate {

struct Timeouts {
  int64_t lock_timeout_ms = 5000;
  std::optional<int64_t> statement_timeout_ms;  // none by default: the role's own stays
};

}  // namespace scope_migrate
