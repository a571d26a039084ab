#include "commands/command_support.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "base/errors.h"
#include "base/event_log.h"
#include "base/text_escape.h"
#include "commands/fleet_runner.h"
#include "pg/db.h"
#include "plan/plan_check.h"
#include "plan/plan_reader.h"
#include "write/latency_probe.h"

namespace scope_migrate {

std::string Options::Conninfo() const { return ConninfoOf(db.value_or("")); }

PhaseTimer::PhaseTimer(bool enabled) : enabled_(enabled), last_(std::chrono::steady_clock::now()) {}

void PhaseTimer::Lap(const std::string& phase) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(now - last_).count();
  if (JsonLog()) {
    EmitEvent("phase", {{"phase", phase}, {"seconds", seconds}});
  } else {
    std::fprintf(stderr, "[verbose] %-40s %8.3f s\n", phase.c_str(), seconds);
  }
  last_ = now;
}

PlanParams MakePlanParams(const Options& options, const Mapping& mapping) {
  PlanParams params;
  params.cutoff = mapping.cutoff();
  if (options.cutoff) {
    const auto cutoff = ParseRfc3339(*options.cutoff);
    if (!cutoff) {
      throw UsageError("--cutoff \"" + *options.cutoff + "\" " +
                       (OutsideYears(*options.cutoff)
                            ? kOutsideYears
                            : "is not an RFC 3339 instant with an offset (e.g. "
                              "2026-03-23T00:00:00+01:00)"));
    }
    params.cutoff = *cutoff;
  }
  params.prune = options.prune;
  params.filter = options.filter;
  return params;
}

std::optional<Overrides> LoadOverrides(const Options& options, const Mapping& mapping) {
  if (!options.overrides) return std::nullopt;
  return Overrides::Load(*options.overrides, mapping.catalog());
}

void CheckPinnedPlan(const PlanFile& plan, const Options& options) {
  if (!options.mapping) return;
  const Mapping mapping = Mapping::Load(*options.mapping);
  CheckHeaderMapping(plan.path(), plan.header(), mapping, *options.mapping);
  const std::optional<Overrides> overrides = LoadOverrides(options, mapping);
  CheckHeaderOverrides(plan.path(), plan.header(), overrides ? &*overrides : nullptr);
  if (!overrides) return;
  plan.ForEachKey([&](const PlanKeyLine& key) {
    CheckLineOverride(plan.path(), plan.header(), key, *overrides);
  });
}

Layout LoadLayout(const Options& options) {
  return options.layout ? Layout::Load(*options.layout) : Layout{};
}

ResolvedLayout ResolveLayout(pqxx::connection& conn, const Layout& layout, const Options& options) {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, options.timeouts);
  ResolvedLayout resolved = Resolve(txn, layout);
  if (!options.filter.tenants.empty() && resolved.tenant.empty()) {
    throw UsageError("--tenant needs a tenant column, and the layout has none");
  }
  return resolved;
}

std::string AuditSchema(const Options& options, const ResolvedLayout& layout) {
  return options.audit_schema.value_or(layout.keys_schema);
}

void CheckAppProbe(pqxx::connection& conn, const Options& options) {
  if (options.health.app_latency_ms <= 0) return;
  CheckProbe(conn, options.health.probe_sql, options.health.probe_file,
             options.health.app_latency_ms);
}

RunnerOptions MakeRunnerOptions(const Options& options, const std::string& label) {
  RunnerOptions runner;
  runner.batch_size = options.batch_size;
  runner.batch_time_ms = options.batch_time_ms;
  runner.single_transaction = options.single_transaction;
  runner.jobs = options.jobs;
  runner.pause_ms = options.pause_ms;
  runner.max_rate = options.max_rate;
  runner.pause_file = options.pause_file.value_or("");
  runner.timeouts = options.timeouts;
  runner.lease_ms = options.lock_lease_ms;
  runner.health = options.health;
  runner.quiet = options.quiet;
  runner.metrics_file = options.metrics_file.value_or("");
  runner.progress = options.progress;
  runner.progress_every_ms = options.progress_every_ms;
  runner.label = label;
  // A target of a fleet is resumed by resuming the fleet (fleet_runner.h).
  const char* fleet = std::getenv(kFleetCommandVariable);
  runner.resume_hint = fleet != nullptr && *fleet != '\0' ? fleet : options.command_line;
  return runner;
}

namespace {

// "held while a replica lags over 10s or 1 GiB, or a logical slot over 1 GiB".
std::string DescribeHealth(const HealthLimits& limits,
                           const std::function<std::string(int64_t)>& duration) {
  std::string replicas;
  if (limits.checks_replicas()) {
    replicas = "a replica lags over " + duration(limits.replica_lag_ms) +
               (limits.replica_lag_bytes > 0 ? " or " + FormatBytes(limits.replica_lag_bytes) : "");
  }
  std::string slots;
  if (limits.slot_lag_bytes > 0)
    slots = "a logical slot lags over " + FormatBytes(limits.slot_lag_bytes);
  const std::string app =
      limits.app_latency_ms > 0
          ? "; batches shrink, then pause, while " + limits.probe_file + "'s p99 is over " +
                duration(limits.app_latency_ms)
          : "";
  if (replicas.empty() && slots.empty()) {
    return app.empty() ? "not checked" : "replicas and slots not checked" + app;
  }
  if (slots.empty()) return "held while " + replicas + "; slots not checked" + app;
  if (replicas.empty()) return "held while " + slots + "; replicas not checked" + app;
  return "held while " + replicas + ", or " + slots + app;
}

}  // namespace

std::string DescribeBatches(const Options& options) {
  auto duration = [](int64_t ms) {
    return ms % 60000 == 0  ? std::to_string(ms / 60000) + "min"
           : ms % 1000 == 0 ? std::to_string(ms / 1000) + "s"
                            : std::to_string(ms) + "ms";
  };
  const std::string size = std::to_string(options.batch_size);
  std::string text = options.single_transaction  ? "one transaction (batches of " + size + " keys)"
                     : options.batch_time_ms > 0 ? "batches of up to " + size + " keys sized to " +
                                                       duration(options.batch_time_ms)
                                                 : "batches of " + size + " keys";
  text += ", " + std::to_string(options.jobs) + (options.jobs == 1 ? " job" : " jobs");
  text += options.pause_ms > 0 ? ", pause " + duration(options.pause_ms) : ", no pause";
  if (options.max_rate > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%g", options.max_rate);
    text += std::string(", at most ") + rate + " keys/s";
  } else {
    text += ", no rate limit";
  }
  if (options.pause_file) text += ", held while " + *options.pause_file + " exists";
  return text + ", lease " + duration(options.lock_lease_ms) + "\n" + "  health   " +
         DescribeHealth(options.health, duration);
}

void EmitRunStarted(const Options& options, const std::string& kind, int64_t run_id,
                    const std::string& plan_sha256, const nlohmann::json& counts) {
  if (!JsonLog()) return;
  nlohmann::json fields = {{"kind", kind},
                           {"run_id", run_id},
                           {"plan_sha256", plan_sha256},
                           {"batch_size", options.batch_size},
                           {"batch_time_ms", options.batch_time_ms},
                           {"jobs", options.jobs},
                           {"pause_ms", options.pause_ms},
                           {"max_rate", options.max_rate},
                           {"pause_file", options.pause_file.value_or("")},
                           {"lock_lease_ms", options.lock_lease_ms},
                           {"max_replica_lag_ms", options.health.replica_lag_ms},
                           {"max_replica_lag_bytes", options.health.replica_lag_bytes},
                           {"max_slot_lag_bytes", options.health.slot_lag_bytes}};
  for (const auto& [key, value] : counts.items()) fields[key] = value;
  EmitEvent("run_started", fields);
}

ConnectionFactory ConnectionFactoryFor(const Options& options) {
  const std::string conninfo = options.Conninfo();
  return [conninfo] { return Connect(conninfo); };
}

std::string OperatorName(const Options& options) {
  if (options.operator_name) return *options.operator_name;
  if (const passwd* pw = getpwuid(geteuid())) return pw->pw_name;
  if (const char* user = std::getenv("USER")) return user;
  return "unknown";
}

std::string GithubErrorAnnotation(const ToolError& error) {
  const ErrorPlace& p = error.place();
  std::string out = "::error file=" + GithubEscape(p.file.empty() ? "scope-migrate" : p.file, true);
  if (p.line > 0) {
    out += ",line=" + std::to_string(p.line) + ",col=" + std::to_string(std::max(p.column, 1));
  }
  return out + "::" + GithubEscape(p.file.empty() ? error.what() : p.reason, false);
}

ToolError WithAuditSchemaHint(pqxx::connection& conn, const AuditLog& audit, const Options& options,
                              const ToolError& error) {
  const std::string message = error.what();
  const bool on_audit_tables = message.find("SQLSTATE 42501") != std::string::npos &&
                               message.find("\"scope_migration_") != std::string::npos;
  if (options.audit_schema || !on_audit_tables) return error;
  std::vector<std::string> others;
  try {
    others = audit.OtherAuditSchemas(conn);
  } catch (const std::exception&) {
    return error;  // the hint is a courtesy: the error stands as it is
  }
  if (others.empty()) return error;
  std::string list;
  for (const auto& schema : others) list += (list.empty() ? "\"" : ", \"") + schema + "\"";
  return ToolError(error.exit_code(), message + ". Schema " + list +
                                          " of this database also has scope_migration_runs: "
                                          "if those are the audit tables meant, add "
                                          "--audit-schema " +
                                          others.front());
}

}  // namespace scope_migrate
