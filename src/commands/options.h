// The parsed command line: a plain struct that cli.cc fills from Boost.Program_options and
// each command reads. Nothing here touches a database or a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/progress.h"
#include "base/timeouts.h"
#include "core/health.h"
#include "core/key_source.h"
#include "plan/report.h"

namespace scope_migrate {

struct Options {
  std::string command;

  // SOURCE and common options
  std::optional<std::string> db;        // conninfo or URI; absent: PG* variables
  std::optional<std::string> fixtures;  // a fixture file instead of a database
  std::optional<std::string> layout;
  std::optional<std::string> audit_schema;
  Timeouts timeouts;
  ProgressMode progress = ProgressMode::kAuto;
  int64_t progress_every_ms = 5000;  // plain progress lines when stderr is not a terminal
  bool quiet = false;
  bool verbose = false;

  // lint, verify, plan, apply
  std::optional<std::string> mapping;
  std::optional<std::string> overrides;  // --overrides FILE (SPEC 12.2)
  std::optional<std::string> cutoff;  // overrides the mapping's
  bool prune = false;
  KeyFilter filter;

  // plan
  std::string format_name = "text";           // --format as given (each command's own list)
  ReportFormat format = ReportFormat::kText;  // the same, for the plan's report formats
  std::optional<std::string> out;
  bool detailed_exitcode = false;
  size_t max_keys = 1000;

  // apply and rollback
  std::optional<std::string> plan_file;
  bool yes = false;
  bool allow_blocked = false;
  bool allow_other_database = false;         // apply a plan made on another database
  std::optional<std::string> expect_sha256;  // lower-case hex
  size_t batch_size = 1000;                  // the most keys in a batch
  int64_t batch_time_ms = 200;               // --batch-time: batches sized to take about this long
  bool single_transaction = false;
  int jobs = 1;  // parallel connections writing whole batches
  std::optional<std::string> operator_name;
  int64_t pause_ms = 0;
  double max_rate = 0;                    // keys per second; 0 = unlimited
  std::optional<std::string> pause_file;  // --pause-file: held back while it exists
  int64_t lock_lease_ms = 120000;         // --lock-lease
  int64_t require_approvals = 0;          // apply --require-approvals
  HealthLimits health;  // --max-replica-lag, --max-replica-lag-bytes, --max-slot-lag
  std::optional<std::string> metrics_file;   // --metrics-file
  int64_t run_id = 0;                        // rollback --run
  std::optional<std::string> rollback_plan;  // rollback --plan SHA256
  int64_t verify_run = 0;                    // history --verify RUN_ID

  // simulate and endpoints (SPEC 12.1)
  std::optional<std::string> endpoints;          // --endpoints FILE
  std::vector<std::string> usage;                // --usage FILE...
  std::optional<std::string> usage_fields;       // --usage-fields key=PATH,...
  std::optional<std::string> usage_since;        // --usage-since INSTANT|DURATION
  bool usage_table = false;                      // --usage-table: the layout's usage section
  std::optional<std::string> suggest_overrides;  // --suggest-overrides FILE
  bool narrow = false;
  std::optional<std::string> from_openapi;  // endpoints --from-openapi FILE

  // approve
  std::optional<std::string> note;
  bool revoke = false;

  // audit-sql
  std::optional<std::string> grant_to;
  bool approver = false;  // --approver: the grants of a role that approves plans

  // fleets (SPEC 11.7)
  std::optional<std::string> targets;     // --targets FILE
  std::vector<std::string> target_names;  // --target NAME...: only these targets
  int parallel_targets = 1;               // apply --parallel-targets
  bool stop_on_error = true;              // --on-error stop (the default) or continue
  // One target of a fleet plan, written into the fleet's staging directory: the fleet
  // says where its files went and what to do next, not this target's plan.
  bool fleet_member = false;
  // The options given, as each target's own process takes them again (all but the SOURCE,
  // PLANFILE, --plan and the fleet's own options).
  std::vector<std::string> forwarded_args;

  // completion
  std::string shell;

  std::string command_line;  // as typed, with any password in --db masked

  // --db as libpq takes it (ConninfoOf, pg/db.h): a bare word is a database name.
  std::string Conninfo() const;
};

}  // namespace scope_migrate
