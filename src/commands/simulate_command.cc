// `scope-migrate simulate` (SPEC 12.1): replays the usage input against the scopes each
// legacy key holds once the plan is applied, and `scope-migrate endpoints --from-openapi`,
// which prints the endpoint catalog an OpenAPI document stands for. This file only wires:
// the keys come from a plan file (plan/plan_reader.h) or from the planner over the same
// sources as `plan` (fixtures, or PostgreSQL through the layout), the records from the
// usage readers (plan/usage_reader.h), the judgement from core/replay.h, the report from
// plan/replay_report.h. Read-only: nothing is written to the database. With --mapping,
// --overrides FILE (SPEC 12.2) is applied as `plan` applies it (same first pass, same
// refusals at FILE:LINE:COL), so the replay judges the scopes each key would hold with its
// override; a plan file carries its own overrides, and the report's keys line names them.
// With --usage-table the records come from the layout's request log (pg/usage_table.h) in
// one streamed statement, inside the keys' own REPEATABLE READ transaction when the keys
// come from the database (one snapshot), else in a read-only transaction of their own (a
// PLANFILE's keys).
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include "base/atomic_file.h"
#include "base/durations.h"
#include "base/errors.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "core/endpoints.h"
#include "core/fixture_source.h"
#include "core/replay.h"
#include "pg/db.h"
#include "pg/pg_key_source.h"
#include "pg/usage_table.h"
#include "plan/overrides_suggestion.h"
#include "plan/plan_reader.h"
#include "plan/planned_key.h"
#include "plan/planner.h"
#include "plan/replay_report.h"
#include "plan/usage_reader.h"

namespace scope_migrate {
namespace {

// Hands every planned key to the replay, with whether all its roles are read-only.
class ReplayKeys : public ReportWriter {
 public:
  ReplayKeys(Replay& replay, const Mapping* mapping, std::vector<bool>& read_only)
      : replay_(replay), mapping_(mapping), read_only_(read_only) {}
  void WriteHeader(const PlanHeader& header) override { overrides_ = header.overrides; }
  void WriteSummary(const Summary&) override {}
  void WriteKey(const PlannedKey& planned) override {
    replay_.AddKey(ReplayKey{planned.key.id, planned.key.tenant.value_or(""),
                             planned.decision.status, planned.decision.reason,
                             ScopesAfter(planned.decision)});
    bool read_only = mapping_ != nullptr && !planned.decision.roles.empty();
    for (const std::string& name : planned.decision.roles) {
      const Role* role = mapping_ != nullptr ? mapping_->Find(name) : nullptr;
      read_only = read_only && role != nullptr && role->read_only;
    }
    read_only_.push_back(read_only);
  }
  const std::optional<OverridesRecord>& overrides() const { return overrides_; }

 private:
  Replay& replay_;
  const Mapping* mapping_;
  std::vector<bool>& read_only_;
  std::optional<OverridesRecord> overrides_;  // of the plan the keys come from
};

// "`lead` the overrides FILE (sha256 …: N applied, M ignored)", or "" without.
std::string WithOverrides(const char* lead, const std::optional<OverridesRecord>& record) {
  if (!record) return "";
  return lead + std::string(" the overrides ") + record->file + " (sha256 " +
         record->sha256.substr(0, 12) + ": " + std::to_string(record->applied) + " applied, " +
         std::to_string(record->ignored) + " ignored)";
}

Instant Now() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --usage-since: an RFC 3339 instant, or a duration before `now` (default 90d).
Instant WindowStart(const Options& options, Instant now) {
  const std::string text = options.usage_since.value_or("90d");
  if (const auto instant = ParseRfc3339(text)) return *instant;
  if (const auto ms = ParseDurationMs(text)) return now - *ms * 1000;
  throw UsageError("--usage-since \"" + text +
                   "\" is neither an RFC 3339 instant with an offset nor a duration (e.g. 90d)");
}

// The layout of --usage-table, which must have a `usage:` section.
Layout UsageLayout(const Options& options) {
  Layout layout = LoadLayout(options);
  if (!layout.usage) {
    throw UsageError("--usage-table reads the layout's usage: section, and " +
                     (options.layout ? "the layout " + *options.layout + " has none"
                                     : std::string("no --layout FILE was given")) +
                     " (see docs/replay.md)");
  }
  return layout;
}

// Streams the usage table's window into the replay in `txn`; its description goes to `info`.
void ReadUsageTableIn(pqxx::transaction_base& txn, const Layout& layout, Replay& replay,
                      ReplayReportInfo& info) {
  const ResolvedUsageTable usage = ResolveUsageTable(txn, layout);
  const uint64_t rows =
      ReadUsageTable(txn, usage, replay.window_from(), replay.window_to(), replay);
  info.usage = {usage.description + ", " + std::to_string(rows) +
                " rows in the window, read in the keys' snapshot"};
}

// A PLANFILE's keys with --usage-table: the table alone, in a read-only transaction.
void ReadUsageTableAlone(const Options& options, Replay& replay, ReplayReportInfo& info) {
  const Layout layout = UsageLayout(options);
  auto conn = Connect(options.Conninfo());
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> txn(*conn, "usage");
  SetLocalTimeouts(txn, options.timeouts);
  ReadUsageTableIn(txn, layout, replay, info);
  txn.commit();
  info.usage[0].replace(info.usage[0].find("in the keys' snapshot"), 21, "the plan's keys");
}

// The keys of the plan file or of the SOURCE planned with --mapping (and, with
// --usage-table from the SOURCE, the usage in the same transaction); returns what they are.
std::string ReadKeys(const Options& options, const Mapping* mapping, ReplayKeys& keys,
                     Replay& replay, ReplayReportInfo& info) {
  if (options.plan_file) {
    const PlanFile plan = PlanFile::Open(*options.plan_file, KeyFilter{});
    plan.ForEachKey([&](const PlanKeyLine& line) {
      const RecordedKey recorded = RecordedKeyOf(line);
      keys.WriteKey(PlannedKey{recorded.key, recorded.decision});
    });
    if (options.usage_table) ReadUsageTableAlone(options, replay, info);
    return "plan file " + *options.plan_file +
           WithOverrides(" made with", plan.header().overrides);
  }
  PlanParams params = MakePlanParams(options, *mapping);
  const std::optional<Overrides> overrides = LoadOverrides(options, *mapping);
  if (overrides) params.overrides = &*overrides;
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<KeySource> source;
  if (options.fixtures) {
    source = std::make_unique<FixtureSource>(*options.fixtures);
  } else {
    const Layout layout = options.usage_table ? UsageLayout(options) : LoadLayout(options);
    conn = Connect(options.Conninfo());
    auto pg = std::make_unique<PgKeySource>(*conn, layout, options.timeouts);
    if (options.usage_table) {
      // With overrides, RunPlan reads the source twice (the overrides' first pass, then the
      // keys): the usage is read once, in the keys' own transaction, the last.
      auto passes_before = std::make_shared<int>(overrides ? 1 : 0);
      pg->AfterKeys([layout, &replay, &info, passes_before](pqxx::transaction_base& txn) {
        if ((*passes_before)-- > 0) return;
        ReadUsageTableIn(txn, layout, replay, info);
      });
    }
    source = std::move(pg);
  }
  Progress progress(options.progress, "simulate", options.progress_every_ms);
  try {
    RunPlan(*source, *mapping, params, {&keys}, &progress);
  } catch (const std::exception& e) {
    if (dynamic_cast<const ToolError*>(&e) != nullptr) throw;
    throw DbFailure(e, options.usage_table ? "reading the keys and the usage table"
                                           : "reading the keys");
  }
  return source->Describe() + " planned with " + mapping->path() +
         WithOverrides(" and", keys.overrides());
}

void ReadUsage(const Options& options, Replay& replay) {
  UsageReadOptions read;
  if (options.usage_fields) {
    std::string why;
    read.fields = ParseUsageFieldPaths(*options.usage_fields, why);
    if (!read.fields) throw UsageError("--usage-fields: " + why);
  }
  size_t stdin_uses = 0;
  for (const std::string& path : options.usage) stdin_uses += path == "-" ? 1 : 0;
  if (stdin_uses > 1) throw UsageError("--usage - (standard input) can be given once");
  for (const std::string& path : options.usage) ReadUsageFile(path, read, replay);
}

void WriteSuggestions(const Options& options, const ReplayResult& result,
                      const EndpointCatalog& endpoints, const std::vector<bool>& read_only) {
  const std::string& path = *options.suggest_overrides;
  const bool jsonl = path.size() > 6 && path.compare(path.size() - 6, 6, ".jsonl") == 0;
  const auto overrides = SuggestOverrides(result, endpoints, options.narrow, read_only);
  const std::string why = ReplaceFile(path, OverridesFileText(overrides, jsonl), 0644, true);
  if (!why.empty()) throw RuntimeFailure("cannot write " + path + ": " + why);
  if (!options.quiet) {
    std::cerr << overrides.size() << " suggested override(s) written to " << path
              << ": review them before planning with --overrides\n";
  }
}

std::string NothingReplayed(const ReplayCounters& c) {
  return "no call of a legacy key in the window: " + std::to_string(c.records) +
         " records read, " + std::to_string(c.outside_window) + " calls outside the window, " +
         std::to_string(c.other_keys) + " of other keys, " + std::to_string(c.refused_before) +
         " refused before (401/403); check --usage-since and the usage's key ids";
}

}  // namespace

int RunSimulateCommand(const Options& options) {
  const Instant now = Now();
  const Instant since = WindowStart(options, now);
  if (since >= now) throw UsageError("--usage-since must be before now");
  std::optional<Mapping> mapping;
  if (options.mapping) mapping = Mapping::Load(*options.mapping);
  const EndpointCatalog endpoints =
      EndpointCatalog::Load(*options.endpoints, mapping ? &*mapping : nullptr);
  Replay replay(endpoints, since, now);
  std::vector<bool> read_only;
  ReplayKeys keys(replay, mapping ? &*mapping : nullptr, read_only);
  ReplayReportInfo info;
  info.keys = ReadKeys(options, mapping ? &*mapping : nullptr, keys, replay, info);
  info.endpoints = endpoints.path() + " (" + std::to_string(endpoints.endpoints().size()) +
                   " routes, sha256 " + endpoints.sha256().substr(0, 12) + ")";
  info.max_keys = options.max_keys;
  if (!options.usage_table) {
    info.usage = options.usage;
    ReadUsage(options, replay);
  }
  const ReplayResult result = replay.Finish();
  if (result.counters.calls == 0) throw RuntimeFailure(NothingReplayed(result.counters));
  WriteReplayReport(options.format, result, info, std::cout);
  std::cout.flush();
  if (!std::cout) throw RuntimeFailure("cannot write the report to stdout");
  if (options.suggest_overrides) WriteSuggestions(options, result, endpoints, read_only);
  return result.Breaks() ? kExitBreaking : kExitOk;
}

int RunEndpointsCommand(const Options& options) {
  const Mapping mapping = Mapping::Load(*options.mapping);
  const EndpointCatalog catalog = EndpointCatalog::Load(*options.from_openapi, &mapping);
  std::cout << "# The endpoint catalog " << *options.from_openapi << " stands for (scope-migrate "
            << "endpoints --from-openapi).\n"
            << EndpointsYaml(catalog, mapping.catalog().path());
  std::cout.flush();
  if (!std::cout) throw RuntimeFailure("cannot write to stdout");
  return kExitOk;
}

}  // namespace scope_migrate
