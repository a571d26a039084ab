// The run lock: a session-level PostgreSQL advisory lock, one per database, held by the
// connection that applies or rolls back. A second run fails at once with exit 5 and a
// message naming the holder; the server releases the lock when the holder's session
// ends, so a killed process never leaves it behind.
#pragma once

#include <pqxx/pqxx>

#include "audit.h"

namespace scope_migrate {

class RunLock {
 public:
  // Takes the lock or throws ToolError(5) naming the holder's run and backend.
  RunLock(pqxx::connection& conn, const AuditLog& audit);
  ~RunLock();  // releases it if the connection is still up
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

  static constexpr int64_t kLockKey = 0x73636f70656d6967;  // "scopemig"

 private:
  pqxx::connection& conn_;
};

}  // namespace scope_migrate
