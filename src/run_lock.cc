#include "run_lock.h"

#include "errors.h"

namespace scope_migrate {

RunLock::RunLock(pqxx::connection& conn, const AuditLog& audit) : conn_(conn) {
  bool taken = false;
  {
    pqxx::nontransaction txn(conn_);
    taken =
        txn.exec("SELECT pg_try_advisory_lock(" + std::to_string(kLockKey) + ")")[0][0].as<bool>();
  }
  if (taken) return;
  std::string holder;
  {
    pqxx::read_transaction txn(conn_);
    const pqxx::result r = txn.exec(
        "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.client_addr::text, 'local'), "
        "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
        "AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = "
        "current_database()) "
        "AND l.classid::bigint = " +
        std::to_string(kLockKey >> 32) +
        " AND l.objid::bigint = " + std::to_string(kLockKey & 0xffffffff) + " LIMIT 1");
    if (!r.empty()) {
      holder = " by backend pid " + std::string(r[0][0].c_str()) + " (" + r[0][1].c_str() +
               ", from " + r[0][2].c_str() + ", connected " + r[0][3].c_str() + ")";
    }
  }
  std::string run;
  if (auto running = audit.RunningRun(conn_)) {
    run = "; its run is " + std::to_string(running->run_id) + " (" + running->kind + ", started " +
          running->started_at + " by " + running->operator_name + " on " + running->host + ")";
  }
  throw ToolError(kExitLocked, "another scope-migrate run holds the lock on this database" +
                                   holder + run +
                                   "; wait for it to finish (see `scope-migrate history`)");
}

RunLock::~RunLock() {
  try {
    if (conn_.is_open()) {
      pqxx::nontransaction txn(conn_);
      txn.exec("SELECT pg_advisory_unlock(" + std::to_string(kLockKey) + ")");
    }
  } catch (...) {
    // The session is gone or broken; the server has released the lock with it.
  }
}

}  // namespace scope_migrate
