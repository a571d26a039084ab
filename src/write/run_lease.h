// The run lock as a lease (SPEC 10.1), safe behind connection poolers: it is the run's
// own row in scope_migration_runs with status "running", holding run id, operator, host,
// pid and a heartbeat. It is taken in a transaction of its own that locks the runs table
// against other new runs; every batch transaction renews it and checks, in that same
// transaction, that the run still holds it (AuditLog::RecordBatch), so a batch of a run
// that lost its lease rolls back whole and the run stops with exit 5.
//
// A lease whose heartbeat is older than --lock-lease may be taken over, and so may one
// whose holder is provably gone: the same process space (host, boot and pid namespace)
// and its pid no longer runs, so a resume right after kill -9 on the same machine does
// not wait. The run taken over is marked "interrupted" with the reason and the run that
// took it over; `history` shows both. Otherwise a second run exits 5 at once, naming the
// holder's run, operator, host and heartbeat age.
#pragma once

#include <cstdint>
#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "write/run_rows.h"

namespace scope_migrate {

enum class HolderState { kLive, kExpired, kGone };

// What a running run's row says of its holder. `same_process_space`: recorded on this
// host, boot and pid namespace; `alive`: its pid runs here (only asked when the same).
HolderState JudgeHolder(double heartbeat_age_s, int64_t lease_ms, bool same_process_space,
                        bool alive);

ProcessIdentity ThisProcess();

struct Lease {
  int64_t run_id = 0;
  std::vector<std::string> notes;  // one line per run taken over
};

// Takes the lease for a new run (its row is inserted as "running"); throws ToolError(5)
// naming the holder while another run's lease is live. `in_lease`, when given, runs in the
// same transaction right after the row is inserted (apply checks approvals there); what it
// throws rolls the lease back.
Lease AcquireLease(pqxx::connection& conn, const AuditLog& audit, const RunStart& start,
                   int64_t lease_ms,
                   const std::function<void(pqxx::transaction_base&, int64_t)>& in_lease = {});

// The lease is per audit schema: runs recording in another schema of the same database do
// not exclude each other. The live runs (running, heartbeat within `lease_ms`) in the other
// schemas this role can read, each with its schema and e.g. `run 3 (apply by ann on host
// db1, heartbeat 2s ago)`; a schema that cannot be read is passed over.
struct LiveRun {
  std::string schema, description;
};
std::vector<LiveRun> LiveRunsInOtherSchemas(pqxx::connection& conn, const AuditLog& audit,
                                            int64_t lease_ms);

}  // namespace scope_migrate
