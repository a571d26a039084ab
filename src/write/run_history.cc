#include "write/run_history.h"

#include "pg/db.h"

namespace scope_migrate {
namespace {

// The runs `query` selects: it gets the transaction and "SELECT <run columns> FROM <runs>"
// and adds its WHERE and ORDER BY.
template <typename Query>
std::vector<RunRow> ReadRuns(const AuditLog& audit, pqxx::connection& conn, Query&& query) {
  return NeedsPrivilege("SELECT on " + audit.runs_table(), [&] {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, audit.timeouts());
    const std::string select = "SELECT " + audit.RunSelectList(txn) + " FROM " + audit.runs_table();
    std::vector<RunRow> out;
    for (const auto& row : query(txn, select)) out.push_back(ReadRunRow(row));
    return out;
  });
}

}  // namespace

std::optional<RunRow> FindRun(const AuditLog& audit, pqxx::connection& conn, int64_t run_id) {
  const std::vector<RunRow> runs =
      ReadRuns(audit, conn, [&](pqxx::transaction_base& txn, const std::string& select) {
        return txn.exec_params(select + " WHERE run_id = $1", run_id);
      });
  if (runs.empty()) return std::nullopt;
  return runs.front();
}

std::vector<RunRow> History(const AuditLog& audit, pqxx::connection& conn) {
  return ReadRuns(audit, conn, [](pqxx::transaction_base& txn, const std::string& select) {
    return txn.exec(select + " ORDER BY run_id DESC");
  });
}

std::vector<RunRow> RunsOfPlan(const AuditLog& audit, pqxx::connection& conn,
                               const std::string& plan_sha256) {
  return ReadRuns(audit, conn, [&](pqxx::transaction_base& txn, const std::string& select) {
    return txn.exec_params(
        select + " WHERE kind = 'apply' AND plan_sha256 = $1 ORDER BY run_id DESC", plan_sha256);
  });
}

std::vector<std::string> PlansWithPrefix(const AuditLog& audit, pqxx::connection& conn,
                                         const std::string& prefix) {
  return NeedsPrivilege("SELECT on " + audit.runs_table(), [&] {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, audit.timeouts());
    std::vector<std::string> out;
    for (const auto& row :
         txn.exec_params("SELECT DISTINCT plan_sha256 FROM " + audit.runs_table() +
                             " WHERE kind = 'apply' AND left(plan_sha256, "
                             "length($1)) = $1 ORDER BY 1",
                         prefix)) {
      out.push_back(row[0].as<std::string>());
    }
    return out;
  });
}

std::optional<std::string> LastRollbackOf(const AuditLog& audit, pqxx::transaction_base& txn,
                                          const std::string& plan_sha256) {
  if (txn.exec_params("SELECT to_regclass($1) IS NULL", audit.runs_table())[0][0].as<bool>()) {
    return std::nullopt;
  }
  const pqxx::result r = NeedsPrivilege("SELECT on " + audit.runs_table(), [&] {
    return txn.exec_params("SELECT max(finished_at)::text FROM " + audit.runs_table() +
                               " WHERE kind = 'rollback' AND status = 'succeeded' AND "
                               "plan_sha256 = $1",
                           plan_sha256);
  });
  return FieldText(r[0][0]);
}

}  // namespace scope_migrate
