// The history of runs as read back from scope_migration_runs: one run, every run, or the
// apply runs of one plan, each newest first, and the plans a sha256 prefix names. Each read is one
// read-only transaction with the tool's timeouts; a missing SELECT grant becomes PermissionDenied
// (ToolError 1).
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "write/audit_schema.h"
#include "write/run_rows.h"

namespace scope_migrate {

std::optional<RunRow> FindRun(const AuditLog& audit, pqxx::connection& conn, int64_t run_id);
std::vector<RunRow> History(const AuditLog& audit, pqxx::connection& conn);  // newest first
// The apply runs of a plan, newest first.
std::vector<RunRow> RunsOfPlan(const AuditLog& audit, pqxx::connection& conn,
                               const std::string& plan_sha256);
// The distinct plan sha256s of apply runs that start with `prefix`, sorted.
std::vector<std::string> PlansWithPrefix(const AuditLog& audit, pqxx::connection& conn,
                                         const std::string& prefix);
// When the last rollback of a plan ended (its finished_at, as the server prints a
// timestamptz: full precision), inside `txn`; none without one or without a runs table.
std::optional<std::string> LastRollbackOf(const AuditLog& audit, pqxx::transaction_base& txn,
                                          const std::string& plan_sha256);

}  // namespace scope_migrate
