// Small pieces the commands share: the plan parameters from options and mapping, the
// layout from --layout, and the operator's name.
#pragma once

#include <chrono>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>

#include "base/errors.h"
#include "commands/options.h"
#include "core/mapping.h"
#include "pg/layout_resolve.h"
#include "plan/planner.h"
#include "write/audit_schema.h"
#include "write/batch_runner.h"

namespace scope_migrate {

// --verbose: prints how long each phase took on stderr.
class PhaseTimer {
 public:
  explicit PhaseTimer(bool enabled);
  void Lap(const std::string& phase);

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point last_;
};

PlanParams MakePlanParams(const Options& options, const Mapping& mapping);
// --overrides FILE loaded against the mapping's catalog, or nothing without it.
std::optional<Overrides> LoadOverrides(const Options& options, const Mapping& mapping);

class PlanFile;
// A pinned apply (`apply --mapping FILE [--overrides FILE] PLANFILE`, and each target of
// `apply DIR --mapping FILE [--overrides FILE]`): throws ToolError(65) unless the plan was
// made with that mapping (CheckHeaderMapping) and with exactly those overrides
// (CheckHeaderOverrides, CheckLineOverride over the keys the run applies).
void CheckPinnedPlan(const PlanFile& plan, const Options& options);
Layout LoadLayout(const Options& options);

// Checks the layout against the database in a read-only transaction; --tenant on a layout
// without a tenant column is a usage error.
ResolvedLayout ResolveLayout(pqxx::connection& conn, const Layout& layout, const Options& options);

// --audit-schema, or the schema of the keys table.
std::string AuditSchema(const Options& options, const ResolvedLayout& layout);
std::string OperatorName(const Options& options);

// --probe-sql's statement runs once before a run takes its lease (SPEC 12.6): UsageError
// (64) when it cannot, so nothing is written. Nothing without --max-app-latency.
void CheckAppProbe(pqxx::connection& conn, const Options& options);

// The batch, throttle, timeout and progress options shared by apply and rollback.
RunnerOptions MakeRunnerOptions(const Options& options, const std::string& label);

// "batches of 1000 keys, 2 jobs, pause 200ms, at most 5000 keys/s, held while
// /run/hold exists, lease 2min", then a second line "  health   held while a replica
// lags over 10s or 1 GiB, or a logical slot lags over 1 GiB": what apply and rollback
// say before their first write.
std::string DescribeBatches(const Options& options);

// --log-format json: {"event":"run_started", "kind", "run_id", "plan_sha256", the counts
// given, and the batch, throttle and health settings}; nothing in text mode.
void EmitRunStarted(const Options& options, const std::string& kind, int64_t run_id,
                    const std::string& plan_sha256, const nlohmann::json& counts);

// A GitHub Actions annotation for an error: "::error file=F,line=L,col=C::REASON" (line and
// col only when known; file "scope-migrate" for an error that is not about an input file).
std::string GithubErrorAnnotation(const ToolError& error);

// `error` with a hint when it is a permission error on the audit tables, --audit-schema was
// not given and another schema of the database holds a readable scope_migration_runs
// (the tables meant may be there); else `error` as it is.
ToolError WithAuditSchemaHint(pqxx::connection& conn, const AuditLog& audit, const Options& options,
                              const ToolError& error);

// Opens another connection to the same database (parallel workers, reconnecting).
ConnectionFactory ConnectionFactoryFor(const Options& options);

}  // namespace scope_migrate
