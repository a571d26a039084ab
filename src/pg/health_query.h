// What the health throttle (core/health.h) looks at, read from the primary in one short
// read-only transaction with the tool's timeouts: the replicas in pg_stat_replication
// (how many, how many hide their state from this role, the largest replay_lag and WAL
// distance to replay_lsn) and the active logical slot furthest behind in
// pg_replication_slots (WAL distance to confirmed_flush_lsn). Nothing is held after it
// returns; a failure throws the libpqxx exception for the caller to classify.
#pragma once

#include <pqxx/pqxx>

#include "base/timeouts.h"
#include "core/health.h"

namespace scope_migrate {

// Reads only what `limits` checks (replicas, slots); check_error is left empty.
HealthSignals ReadHealthSignals(pqxx::connection& conn, const Timeouts& timeouts,
                                const HealthLimits& limits);

}  // namespace scope_migrate
