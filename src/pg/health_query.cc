#include "pg/health_query.h"

#include "pg/db.h"

namespace scope_migrate {
namespace {

// A walsender whose state is NULL is one this role may not see (without pg_monitor or
// pg_read_all_stats only its pid shows). One streaming a base backup has no replay_lsn.
const char kReplicas[] =
    "SELECT current_user::text, count(*), count(*) FILTER (WHERE state IS NULL), "
    "coalesce(max(extract(epoch FROM replay_lag)), 0)::float8, "
    "coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::bigint "
    "FROM pg_catalog.pg_stat_replication";

const char kSlots[] =
    "SELECT slot_name::text, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint "
    "AS lag FROM pg_catalog.pg_replication_slots WHERE slot_type = 'logical' AND active AND "
    "confirmed_flush_lsn IS NOT NULL ORDER BY lag DESC LIMIT 1";

}  // namespace

HealthSignals ReadHealthSignals(pqxx::connection& conn, const Timeouts& timeouts,
                                const HealthLimits& limits) {
  HealthSignals s;
  pqxx::read_transaction txn(conn, "health_check");
  SetLocalTimeouts(txn, timeouts);
  if (limits.checks_replicas()) {
    const pqxx::row r = txn.exec(kReplicas)[0];
    s.role = r[0].c_str();
    s.replicas = r[1].as<int64_t>();
    s.unreadable = r[2].as<int64_t>();
    s.replay_lag_s = r[3].as<double>();
    s.replica_lag_bytes = r[4].as<int64_t>();
  }
  if (limits.slot_lag_bytes > 0) {
    const pqxx::result r = txn.exec(kSlots);
    if (!r.empty()) {
      s.slot = r[0][0].c_str();
      s.slot_lag_bytes = r[0][1].as<int64_t>(0);
    }
  }
  txn.commit();
  return s;
}

}  // namespace scope_migrate
