// `scope-migrate history SOURCE [--run RUN_ID] [--format text|jsonl|csv]`: the apply and
// rollback runs, newest first, with their status, plan (the sha256's first 12 hex digits in
// text, enough for `rollback --plan PREFIX`) and counts; with --run, one run's row
// in full and its change rows (streamed, so a run of millions of changes prints in
// constant memory). Text is for people (control characters escaped), JSON Lines and CSV
// for scripts.
#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/event_log.h"
#include "base/json_text.h"
#include "base/text_escape.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "commands/fleet_runner.h"
#include "commands/fleet_targets.h"
#include "pg/db.h"
#include "write/audit_check.h"
#include "write/change_rows.h"
#include "write/run_history.h"

namespace scope_migrate {
namespace {

std::string Csv(const std::string& value) { return CsvField(value); }

bool IsNumberField(const std::string& name) {
  for (const char* field : {"run_id", "pid", "keys_changed", "scopes_added", "scopes_removed",
                            "rolled_back_by", "rollback_of", "taken_over_by", "throttled_ms"}) {
    if (name == field) return true;
  }
  return false;
}

// A JSON object: numbers as numbers (an empty one as null), everything else as strings.
std::string Json(const std::vector<std::pair<std::string, std::string>>& fields, const char* type) {
  std::string line = std::string("{\"type\":\"") + type + "\"";
  for (const auto& [name, value] : fields) {
    line += ",\"" + name + "\":";
    if (IsNumberField(name)) {
      line += value.empty() ? "null" : value;
    } else {
      AppendJsonString(line, value);
    }
  }
  return line + "}";
}

// A run's fields, led by its target's name in a fleet's history.
std::vector<std::pair<std::string, std::string>> ListFields(const RunRow& run,
                                                            const std::string* target) {
  auto fields = RunFields(run);
  if (target != nullptr) fields.insert(fields.begin(), {"target", *target});
  return fields;
}

// The runs, newest first; `targets` (a fleet's history) names the target of each run.
void PrintRunList(const std::vector<RunRow>& runs, const std::string& format,
                  const std::vector<std::string>* targets = nullptr) {
  auto target_of = [&](size_t i) { return targets ? &(*targets)[i] : nullptr; };
  if (format == "jsonl") {
    for (size_t i = 0; i < runs.size(); ++i) {
      std::cout << Json(ListFields(runs[i], target_of(i)), "run") << "\n";
    }
    return;
  }
  if (format == "csv") {
    const std::string none;
    std::string header;
    for (const auto& [name, value] : ListFields(RunRow{}, targets ? &none : nullptr))
      header += (header.empty() ? "" : ",") + name;
    std::cout << header << "\r\n";
    for (size_t i = 0; i < runs.size(); ++i) {
      std::string row;
      for (const auto& [name, value] : ListFields(runs[i], target_of(i)))
        row += (row.empty() ? "" : ",") + Csv(value);
      std::cout << row << "\r\n";
    }
    return;
  }
  size_t width = 0;
  for (size_t i = 0; targets && i < runs.size(); ++i)
    width = std::max(width, (*targets)[i].size() + 2);
  if (targets)
    std::cout << std::left << std::setw(static_cast<int>(std::max<size_t>(width, 8))) << "target";
  std::cout << std::left << std::setw(5) << "run" << std::setw(10) << "kind" << std::setw(13)
            << "status" << std::setw(22) << "started (UTC)" << std::setw(22) << "finished (UTC)"
            << std::setw(12) << "operator" << std::setw(14) << "plan" << std::right << std::setw(7)
            << "keys" << std::setw(8) << "added" << std::setw(9) << "removed"
            << "  note\n";
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunRow& r = runs[i];
    if (targets) {
      std::cout << std::left << std::setw(static_cast<int>(std::max<size_t>(width, 8)))
                << (*targets)[i];
    }
    std::string note;
    auto add = [&note](const std::string& part) { note += (note.empty() ? "" : "; ") + part; };
    if (r.rollback_of) add("rollback of run " + std::to_string(*r.rollback_of));
    if (r.rolled_back_by) add("rolled back by run " + std::to_string(*r.rolled_back_by));
    if (!r.filter.empty()) add("partial: " + r.filter);
    if (r.throttled_ms > 0) {
      char held[32];
      std::snprintf(held, sizeof held, "%.1fs", r.throttled_ms / 1000.0);
      add(std::string("throttled ") + held + " (" + r.throttle_reasons + ")");
    }
    if (!r.approvals.empty()) add("approved by " + r.approvals);
    // Rows rolled back before rollbacks rewrote the message may still carry a resume hint.
    const size_t hint = r.rolled_back_by ? r.message.find("Resume with: ") : std::string::npos;
    if (hint != std::string::npos) {
      add(r.message.substr(0, hint) + "Rolled back: do not resume it.");
    } else if (!r.message.empty()) {
      add(r.message);
    }
    std::cout << std::left << std::setw(5) << r.run_id << std::setw(10) << ToString(r.kind)
              << std::setw(13) << ToString(r.status) << std::setw(22) << r.started_at
              << std::setw(22) << (r.finished_at.empty() ? "-" : r.finished_at) << std::setw(12)
              << Printable(r.operator_name) << std::setw(14)
              << (r.plan_sha256.empty() ? "-" : r.plan_sha256.substr(0, 12)) << std::right
              << std::setw(7) << r.keys_changed << std::setw(8) << r.scopes_added << std::setw(9)
              << r.scopes_removed << "  " << Printable(note) << "\n";
  }
}

std::vector<std::pair<std::string, std::string>> ChangeFields(int64_t run_id, const ChangeRow& c) {
  return {{"run_id", std::to_string(run_id)},
          {"api_key_id", c.api_key_id},
          {"scope", c.scope},
          {"action", c.action},
          {"committed_at", c.committed_at}};
}

// One run in full, then its changes.
void PrintRun(pqxx::connection& conn, const AuditLog& audit, const RunRow& run,
              const std::string& format) {
  const auto fields = RunFields(run);
  uint64_t changes = 0;
  if (format == "jsonl") {
    std::cout << Json(fields, "run") << "\n";
  } else if (format == "csv") {
    std::cout << "record,run_id,api_key_id,scope,action,committed_at";
    for (const auto& [name, value] : fields) {
      if (name != "run_id") std::cout << "," << name;
    }
    std::cout << "\r\nrun," << run.run_id << ",,,,";
    for (const auto& [name, value] : fields) {
      if (name != "run_id") std::cout << "," << Csv(value);
    }
    std::cout << "\r\n";
  } else {
    std::cout << "run " << run.run_id << "\n";
    for (const auto& [name, value] : fields) {
      std::cout << "  " << std::left << std::setw(16) << name << Printable(value) << "\n";
    }
    std::cout << "\nchanges\n  " << std::left << std::setw(38) << "key" << std::setw(8) << "action"
              << std::setw(38) << "scope"
              << "committed (UTC)\n";
  }
  ForEachChange(audit, conn, run.run_id, [&](const ChangeRow& c) {
    ++changes;
    if (format == "jsonl") {
      std::cout << Json(ChangeFields(run.run_id, c), "change") << "\n";
    } else if (format == "csv") {
      std::cout << "change," << run.run_id << "," << Csv(c.api_key_id) << "," << Csv(c.scope) << ","
                << c.action << "," << c.committed_at << std::string(fields.size() - 1, ',')
                << "\r\n";
    } else {
      std::cout << "  " << std::left << std::setw(38) << Printable(c.api_key_id) << std::setw(8)
                << c.action << std::setw(38) << Printable(c.scope) << c.committed_at << "\n";
    }
  });
  if (format == "text") std::cout << changes << " change rows\n";
}

int PrintHistory(pqxx::connection& conn, const AuditLog& audit, const Options& options) {
  if (!audit.Exists(conn)) {
    if (options.run_id > 0) throw RuntimeFailure("there are no runs: nothing was applied here");
    if (options.format_name == "text") {
      std::cout << "no runs: the audit tables do not exist yet (nothing was applied)\n";
    } else if (options.format_name == "csv") {
      PrintRunList({}, "csv");
    }
    return kExitOk;
  }
  if (options.run_id > 0) {
    const auto run = FindRun(audit, conn, options.run_id);
    if (!run) throw RuntimeFailure("there is no run " + std::to_string(options.run_id));
    PrintRun(conn, audit, *run, options.format_name);
  } else {
    PrintRunList(History(audit, conn), options.format_name);
  }
  std::cout.flush();
  return kExitOk;
}

// history --verify RUN: the run's audit rows that match no change of its plan (the stored
// copy), exit 65 when there is one (audit_check.h).
int VerifyRun(pqxx::connection& conn, const ResolvedLayout& layout, const Options& options) {
  const AuditLog audit(AuditSchema(options, layout), options.timeouts,
                       layout.scopes_shape == Shape::kColumn);
  const std::string name = "run " + std::to_string(options.verify_run);
  const auto run = audit.Exists(conn) ? FindRun(audit, conn, options.verify_run) : std::nullopt;
  if (!run) throw RuntimeFailure("there is no " + name);
  if (run->kind != RunKind::kApply) {
    throw RuntimeFailure(name + " is a rollback: --verify checks an apply run's audit rows");
  }
  const PlannedChanges planned(PlanOfRun(audit, conn, *run, std::nullopt));
  const UnplannedRows rows =
      FindUnplannedRows(audit, conn, run->run_id, planned, layout, size_t{100000});
  if (rows.count == 0) {
    std::cout << name << ": every audit row matches a change of its plan " << run->plan_sha256
              << "\n";
    return kExitOk;
  }
  std::cout << name << ": " << rows.count << " audit rows match no change of its plan "
            << run->plan_sha256 << ":\n";
  for (const std::string& row : rows.first) std::cout << "  " << row << "\n";
  if (rows.count > rows.first.size()) {
    std::cout << "  ... and " << rows.count - rows.first.size() << " more\n";
  }
  return kExitInvalidInput;
}

}  // namespace

int RunHistoryCommand(const Options& options) {
  if (options.targets) return RunFleetHistory(options);
  const Layout layout = LoadLayout(options);
  auto conn = Connect(options.Conninfo());
  const ResolvedLayout resolved = ResolveLayout(*conn, layout, options);
  if (options.verify_run > 0) return VerifyRun(*conn, resolved, options);
  const AuditLog audit(AuditSchema(options, resolved), options.timeouts);
  try {
    return PrintHistory(*conn, audit, options);
  } catch (const ToolError& e) {
    throw WithAuditSchemaHint(*conn, audit, options, e);
  }
}

// history --targets FILE: every target's runs in one table, target by target in the file's
// order (each newest first); a target that cannot be read is named on stderr with its
// error, the others are still shown, and the exit code is the worst error's.
int RunFleetHistory(const Options& options) {
  if (options.run_id > 0) {
    throw UsageError(
        "history --targets takes no --run (a run id names a run of one database): use "
        "history --db CONNINFO --run ID");
  }
  std::vector<RunRow> runs;
  std::vector<std::string> names;
  std::vector<int> codes;
  for (const Target& target :
       SelectTargets(LoadTargets(*options.targets), options.target_names, *options.targets)) {
    try {
      for (RunRow& run : TargetRuns(TargetOptions(options, target))) {
        runs.push_back(std::move(run));
        names.push_back(target.name);
      }
    } catch (const ToolError& e) {
      ReportError(e.exit_code(), "target " + target.name + ": " + e.what());
      codes.push_back(e.exit_code());
    }
  }
  PrintRunList(runs, options.format_name, &names);
  std::cout.flush();
  return WorstExitCode(codes);
}

}  // namespace scope_migrate
