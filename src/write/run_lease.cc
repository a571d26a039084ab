#include "write/run_lease.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <fstream>

#include "base/errors.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string PidNamespace() {
  char target[128] = {0};
  const ssize_t n = readlink("/proc/self/ns/pid", target, sizeof target - 1);
  return n > 0 ? std::string(target, static_cast<size_t>(n)) : "";
}

bool ProcessAlive(int64_t pid) {
  if (pid <= 0) return true;  // unknown: assume it runs
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

std::string Seconds(double seconds) {
  return std::to_string(static_cast<int64_t>(std::floor(seconds))) + "s";
}

std::string Describe(const RunRow& holder) {
  return "run " + std::to_string(holder.run_id) + " (" + ToString(holder.kind) + " by " +
         holder.operator_name + " on host " + holder.host + ", pid " + std::to_string(holder.pid) +
         "), last heartbeat " + Seconds(holder.heartbeat_age_s) + " ago";
}

ToolError Held(const RunRow& holder, int64_t lease_ms) {
  return ToolError(
      kExitLocked,
      "another scope-migrate run holds the lease on this database: " + Describe(holder) +
          ". A lease is taken over only when its heartbeat is "
          "older than --lock-lease (" +
          Seconds(lease_ms / 1000.0) + ") or its process is gone; see `scope-migrate history`");
}

HolderState Judge(const RunRow& holder, int64_t lease_ms, const ProcessIdentity& me) {
  const bool same = !me.host_id.empty() && holder.host_id == me.host_id;
  return JudgeHolder(holder.heartbeat_age_s, lease_ms, same, same && ProcessAlive(holder.pid));
}

std::string TakeoverReason(const RunRow& holder, HolderState state, int64_t new_run,
                           int64_t lease_ms) {
  const std::string why =
      state == HolderState::kGone
          ? "its process " + std::to_string(holder.pid) + " on " + holder.host + " no longer runs"
          : "no heartbeat for " + Seconds(holder.heartbeat_age_s) + " (--lock-lease " +
                Seconds(lease_ms / 1000.0) + ")";
  return "lease taken over by run " + std::to_string(new_run) + ": " + why +
         "; committed batches stay";
}

// The holder named in the message when the runs table itself is busy.
ToolError Busy(pqxx::connection& conn, const AuditLog& audit, int64_t lease_ms) {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, audit.timeouts());
  const auto running = RunningRuns(audit, txn);
  if (!running.empty()) return Held(running.front(), lease_ms);
  return ToolError(kExitLocked,
                   "another scope-migrate run is starting or writing on this database (its "
                   "transaction holds the runs table past --lock-timeout); see `scope-migrate "
                   "history`");
}

}  // namespace

HolderState JudgeHolder(double heartbeat_age_s, int64_t lease_ms, bool same_process_space,
                        bool alive) {
  if (same_process_space && !alive) return HolderState::kGone;
  if (heartbeat_age_s * 1000.0 > static_cast<double>(lease_ms)) return HolderState::kExpired;
  return HolderState::kLive;
}

ProcessIdentity ThisProcess() {
  ProcessIdentity me;
  char host[256] = {0};
  me.host = gethostname(host, sizeof host - 1) == 0 ? host : "unknown";
  me.pid = getpid();
  const std::string boot = ReadFirstLine("/proc/sys/kernel/random/boot_id");
  const std::string pid_ns = PidNamespace();
  // Without both, no process space can be proven the same: only expiry frees a lease.
  if (!boot.empty() && !pid_ns.empty()) me.host_id = me.host + " " + boot + " " + pid_ns;
  return me;
}

Lease AcquireLease(pqxx::connection& conn, const AuditLog& audit, const RunStart& start,
                   int64_t lease_ms,
                   const std::function<void(pqxx::transaction_base&, int64_t)>& in_lease) {
  const ProcessIdentity me = ThisProcess();
  Lease lease;
  try {
    pqxx::work txn(conn, "take_lease");
    SetLocalTimeouts(txn, audit.timeouts());
    LockForNewRun(audit, txn);
    std::vector<std::pair<RunRow, HolderState>> stale;
    for (const RunRow& holder : RunningRuns(audit, txn)) {
      const HolderState state = Judge(holder, lease_ms, me);
      if (state == HolderState::kLive) throw Held(holder, lease_ms);
      stale.emplace_back(holder, state);
    }
    lease.run_id = InsertRunningRun(audit, txn, start, me);
    if (in_lease) in_lease(txn, lease.run_id);
    for (const auto& [holder, state] : stale) {
      const std::string reason = TakeoverReason(holder, state, lease.run_id, lease_ms);
      MarkTakenOver(audit, txn, holder.run_id, lease.run_id, reason);
      lease.notes.push_back("run " + std::to_string(holder.run_id) + " was 'running': " + reason);
    }
    txn.commit();
  } catch (const std::exception& e) {
    if (ClassifyDbError(e).sqlstate != "55P03") throw;
    throw Busy(conn, audit, lease_ms);
  }
  return lease;
}

std::vector<LiveRun> LiveRunsInOtherSchemas(pqxx::connection& conn, const AuditLog& audit,
                                            int64_t lease_ms) {
  std::vector<LiveRun> out;
  for (const std::string& schema : audit.OtherAuditSchemas(conn)) {
    try {
      pqxx::read_transaction txn(conn);
      SetLocalTimeouts(txn, audit.timeouts());
      for (const auto& row :
           txn.exec_params("SELECT run_id, kind, coalesce(operator, ''), coalesce(host, ''), "
                           "extract(epoch FROM clock_timestamp() - heartbeat_at)::float8 FROM " +
                               QuoteIdentifier(schema) +
                               ".scope_migration_runs WHERE status = 'running' AND heartbeat_at > "
                               "clock_timestamp() - $1 * interval '1 millisecond' ORDER BY run_id",
                           lease_ms)) {
        out.push_back({schema, "run " + row[0].as<std::string>() + " (" + row[1].as<std::string>() +
                                   " by " + row[2].as<std::string>() + " on host " +
                                   row[3].as<std::string>() + ", heartbeat " +
                                   Seconds(row[4].as<double>()) + " ago)"});
      }
    } catch (const pqxx::sql_error&) {
      // An older table without heartbeat_at, or one not readable after all: nothing to say.
    }
  }
  return out;
}

}  // namespace scope_migrate
