#include "cli_table.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/errors.h"
#include "base/exit_codes.h"
#include "commands/commands.h"
#include "plan/fleet_index.h"

namespace po = boost::program_options;

namespace scope_migrate {
namespace {

void NeedsMapping(const Options& o) {
  if (!o.mapping) throw UsageError(o.command + " needs --mapping FILE");
}

// --target, --parallel-targets and --on-error belong to a fleet; --db to one database.
void CheckFleetOptions(const Options& o, bool fleet) {
  if (!fleet) {
    if (!o.target_names.empty() || o.parallel_targets != 1 || !o.stop_on_error) {
      throw UsageError(
          "--target, --parallel-targets and --on-error are for a fleet (" +
          std::string(o.command == "apply" ? "apply DIR" : o.command + " --targets FILE") + ")");
    }
    return;
  }
  if (o.db) throw UsageError("--db and a fleet conflict: each target names its own database");
  if (!o.filter.empty()) {
    throw UsageError(
        "--tenant and --key do not go with a fleet: a fleet plans and applies "
        "whole databases (plan a single target with --db to narrow it)");
  }
}

void CheckPlan(const Options& o) {
  NeedsMapping(o);
  CheckFleetOptions(o, o.targets.has_value());
  if (!o.targets) return;
  if (o.fixtures) throw UsageError("--fixtures and --targets conflict: give one SOURCE");
  if (!o.out) throw UsageError("plan --targets needs --out DIR (a plan file per target)");
  if (o.format != ReportFormat::kText && o.format != ReportFormat::kMarkdown) {
    throw UsageError("plan --targets reports as text or markdown; the plans are DIR/NAME.jsonl");
  }
}

void CheckLint(const Options& o) {
  NeedsMapping(o);
  if (o.format_name == "jsonl" && !o.endpoints) {
    throw UsageError("lint --format jsonl lists the routes each role loses and gains: it needs "
                     "--endpoints FILE");
  }
  if (o.format_name == "markdown" && o.endpoints) {
    throw UsageError("lint --endpoints reports as text, jsonl or github (markdown is the role × "
                     "scope matrix, without --endpoints)");
  }
}

void CheckHistory(const Options& o) { CheckFleetOptions(o, o.targets.has_value()); }

void CheckVerify(const Options& o) {
  NeedsMapping(o);
  if (!o.fixtures) throw UsageError("verify needs --fixtures FILE");
}

void CheckApply(const Options& o) {
  const bool fleet = o.plan_file && IsFleetDirectory(*o.plan_file);
  CheckFleetOptions(o, fleet);
  if (o.targets && !fleet) {
    throw UsageError(
        "apply --targets needs the fleet plan DIR that plan --targets --out DIR "
        "wrote (with its index.json)");
  }
  if (fleet && o.expect_sha256) {
    throw UsageError(
        "apply DIR takes no --expect-sha256: every plan is checked against DIR/index.json's "
        "sha256 (pin the mapping with --mapping FILE)");
  }
  if (o.plan_file && (o.cutoff || o.prune)) {
    throw UsageError(
        "apply PLANFILE takes neither --cutoff nor --prune (a plan file is applied exactly as "
        "planned)");
  }
  if (!o.plan_file && !o.mapping)
    throw UsageError("apply needs a PLANFILE or --mapping FILE --yes");
  if (o.overrides && !o.mapping) {
    throw UsageError(
        "apply --overrides goes with --mapping FILE (a plan file carries its overrides; "
        "--mapping FILE --overrides FILE PLANFILE pins it to the reviewed files)");
  }
  if (!o.plan_file && !o.yes) {
    throw UsageError(
        "apply --mapping plans and writes in one go and needs --yes (or save a plan with "
        "`plan --out` and apply that file)");
  }
}

void CheckRollback(const Options& o) {
  CheckFleetOptions(o, o.targets.has_value());
  if (o.run_id == 0 && !o.rollback_plan) {
    throw UsageError("rollback needs one of --run RUN_ID and --plan SHA256");
  }
  if (o.run_id > 0 && o.rollback_plan && !std::ifstream(*o.rollback_plan)) {
    throw UsageError("with --run, --plan takes the run's plan file; \"" + *o.rollback_plan +
                     "\" is not a readable file");
  }
}

// show DIR and approve DIR: a fleet plan directory, each target's plan.
void CheckReviewFleet(const Options& o) {
  const bool fleet = IsFleetDirectory(*o.plan_file);
  CheckFleetOptions(o, fleet);
  if (o.targets && !fleet) {
    throw UsageError(o.command + " --targets needs the fleet plan DIR that plan --targets --out "
                                 "DIR wrote (with its index.json)");
  }
}

void CheckShow(const Options& o) {
  if (!o.plan_file) throw UsageError("show needs a PLANFILE or a fleet plan DIR");
  CheckReviewFleet(o);
}

void CheckApprove(const Options& o) {
  if (!o.plan_file) throw UsageError("approve needs a PLANFILE or a fleet plan DIR");
  if (o.revoke && o.note) throw UsageError("approve --revoke takes no --note");
  CheckReviewFleet(o);
}

void CheckAuditSql(const Options& o) {
  if (o.approver && !o.grant_to) throw UsageError("audit-sql --approver needs --grant-to ROLE");
}

void CheckSimulate(const Options& o) {
  if (!o.plan_file && !o.mapping) {
    throw UsageError("simulate needs a PLANFILE or --mapping FILE (and a SOURCE for its keys)");
  }
  if (o.plan_file && (o.cutoff || o.prune || !o.filter.empty() || o.fixtures)) {
    throw UsageError(
        "simulate PLANFILE takes neither --cutoff, --prune, --tenant, --key nor --fixtures: the "
        "keys are the plan's");
  }
  if (!o.endpoints) throw UsageError("simulate needs --endpoints FILE");
  if (o.usage.empty() == !o.usage_table) {
    throw UsageError(o.usage_table ? "--usage and --usage-table conflict: give one usage input"
                                   : "simulate needs --usage FILE (or - for stdin) or --usage-table");
  }
  if (o.usage_table && o.fixtures) {
    throw UsageError("--usage-table reads the database: it does not go with --fixtures");
  }
  if (o.usage_table && o.usage_fields) {
    throw UsageError("--usage-fields is for --usage files, not --usage-table");
  }
  if (o.narrow && !o.suggest_overrides) throw UsageError("--narrow needs --suggest-overrides FILE");
  if (o.overrides && o.plan_file) {
    throw UsageError(
        "simulate PLANFILE takes no --overrides: a plan file carries its own (plan with "
        "--overrides, or simulate --mapping FILE --overrides FILE over the SOURCE)");
  }
}

void CheckEndpoints(const Options& o) {
  if (!o.from_openapi) throw UsageError("endpoints needs --from-openapi FILE");
  NeedsMapping(o);
}

void CheckCompletion(const Options& o) {
  if (o.shell != "bash")
    throw UsageError("completion supports bash: scope-migrate completion bash");
}

// `scope-migrate completion bash`.
int RunCompletionCommand(const Options&);

const Command kCommands[] = {
    {"lint",
     "--mapping FILE [--format text|markdown|github]\n"
     "--mapping FILE --endpoints FILE [--format text|jsonl|github] (the routes each role loses "
     "and gains)",
     kMappingOption | kEndpointsOption | kFormatOption, "text|markdown|github|jsonl", CheckLint,
     RunLintCommand, "scope-migrate lint --mapping mappings/legacy-roles.yaml"},
    {"verify", "--mapping FILE --fixtures FILE [--overrides FILE] [--format text|junit|github]",
     kMappingOption | kFixturesOption | kOverridesOption | kFormatOption, "text|junit|github",
     CheckVerify, RunVerifyCommand,
     "scope-migrate verify --mapping mappings/legacy-roles.yaml --fixtures samples/fixtures.yaml "
     "--format junit > verify.xml"},
    {"plan",
     "SOURCE --mapping FILE [--overrides FILE] [--cutoff INSTANT] [--prune]\n"
     "[--format text|jsonl|csv|markdown|html] [--out PLANFILE] [--detailed-exitcode]\n"
     "[--tenant T]... [--key ID]... [--max-keys N]\n"
     "--targets FILE --out DIR [--target NAME]... (a fleet: a plan per target)",
     kMappingOption | kOverridesOption | kFixturesOption | kPlanningOptions | kFormatOption |
         kMaxKeysOption | kPlanOutOptions | kFleetOptions,
     "text|jsonl|csv|markdown|html", CheckPlan, RunPlanCommand,
     "scope-migrate plan --db \"dbname=billing\" --mapping mappings/legacy-roles.yaml --out "
     "prod.plan.jsonl"},
    {"show",
     "PLANFILE [--format text|jsonl|csv|markdown|html] [--max-keys N] [--db CONNINFO]\n"
     "[--mapping FILE]\n"
     "DIR [--targets FILE] [--target NAME]... [--mapping FILE] (a fleet: each target's plan; "
     "with --targets, its approvals)",
     kPlanFileArgument | kFormatOption | kMaxKeysOption | kMappingOption | kFleetOptions,
     "text|jsonl|csv|markdown|html", CheckShow,
     RunShowCommand, "scope-migrate show prod.plan.jsonl --format markdown > ticket.md"},
    {"approve",
     "SOURCE PLANFILE [--note TEXT] [--revoke]\n"
     "DIR [--targets FILE] [--target NAME]... [--note TEXT] [--revoke] (a fleet: each "
     "target's plan on its database)",
     kPlanFileArgument | kApproveOptions | kFleetOptions, "",
     CheckApprove, RunApproveCommand,
     "scope-migrate approve --db \"dbname=billing\" prod.plan.jsonl --note \"reviewed in CHG-42\""},
    {"apply",
     "SOURCE (PLANFILE [--mapping FILE [--overrides FILE]] |\n"
     "        --mapping FILE [--overrides FILE] [--cutoff I] [--prune] --yes)\n"
     "[--expect-sha256 SHA256] [--allow-blocked] [--allow-other-database] [--batch-size N]\n"
     "[--batch-time D] [--jobs N] [--single-transaction] [--operator NAME] [--tenant T]...\n"
     "[--key ID]... [--pause D] [--max-rate KEYS] [--pause-file PATH] [--lock-lease D]\n"
     "[--require-approvals N] [--max-replica-lag D] [--max-replica-lag-bytes SIZE]\n"
     "[--max-slot-lag SIZE] [--log-format text|json]\n"
     "[--metrics-file PATH]\n"
     "DIR [--targets FILE] [--target NAME]... [--parallel-targets N] [--on-error stop|continue]",
     kMappingOption | kOverridesOption | kPlanningOptions | kPlanFileArgument | kApplyOptions |
         kWritingOptions | kFleetOptions | kFleetRunOptions,
     "", CheckApply, RunApplyCommand,
     "scope-migrate apply --db \"dbname=billing\" prod.plan.jsonl --tenant acme"},
    {"rollback",
     "SOURCE (--run RUN_ID [--plan PLANFILE] | --plan SHA256|PREFIX|PLANFILE) [--yes]\n"
     "[--operator NAME]\n"
     "[--batch-size N] [--batch-time D] [--jobs N] [--pause D] [--max-rate KEYS]\n"
     "[--pause-file PATH] [--lock-lease D] [--max-replica-lag D]\n"
     "[--max-replica-lag-bytes SIZE] [--max-slot-lag SIZE]\n"
     "[--log-format text|json] [--metrics-file PATH]\n"
     "--targets FILE (--plan DIR|SHA256 | --target NAME --run RUN_ID) [--parallel-targets N]",
     kWritingOptions | kRunOption | kRollbackPlanOption | kFleetOptions | kFleetRunOptions, "",
     CheckRollback, RunRollbackCommand,
     "scope-migrate rollback --db \"dbname=billing\" --run 1 --yes"},
    {"history",
     "SOURCE [--run RUN_ID] [--format text|jsonl|csv]\nSOURCE --verify RUN_ID\n"
     "--targets FILE [--target NAME]...",
     kRunOption | kFormatOption | kFleetOptions | kVerifyRunOption, "text|jsonl|csv", CheckHistory, RunHistoryCommand,
     "scope-migrate history --db \"dbname=billing\""},
    {"audit-sql",
     "[--audit-schema NAME] [--grant-to ROLE [--approver]] [--layout FILE] [--db CONNINFO]",
     kAuditSqlOptions, "", CheckAuditSql, RunAuditSqlCommand,
     "scope-migrate audit-sql --grant-to migrator > audit.sql"},
    {"simulate",
     "SOURCE (PLANFILE | --mapping FILE [--overrides FILE] [--cutoff I] [--prune] [--tenant T]...\n"
     "        [--key ID]...)\n"
     "--endpoints FILE (--usage FILE... [--usage-fields key=PATH,...] | --usage-table)\n"
     "[--usage-since S] [--format text|jsonl|csv|markdown] [--max-keys N]\n"
     "[--suggest-overrides FILE [--narrow]]",
     kMappingOption | kOverridesOption | kFixturesOption | kPlanningOptions | kPlanFileArgument |
         kReplayOptions | kEndpointsOption | kSuggestOptions | kFormatOption | kMaxKeysOption,
     "text|jsonl|csv|markdown", CheckSimulate, RunSimulateCommand,
     "scope-migrate simulate --db \"dbname=billing\" --mapping mappings/legacy-roles.yaml "
     "--endpoints mappings/endpoints.yaml --usage calls.jsonl.zst"},
    {"endpoints", "--from-openapi FILE --mapping FILE", kFromOpenApiOption | kMappingOption, "",
     CheckEndpoints, RunEndpointsCommand,
     "scope-migrate endpoints --from-openapi openapi.yaml --mapping mappings/legacy-roles.yaml"},
    {"completion", "bash", kShellArgument, "", CheckCompletion, RunCompletionCommand,
     "scope-migrate completion bash > /etc/bash_completion.d/scope-migrate"},
};

}  // namespace

const Command* FindCommand(const std::string& name) {
  for (const Command& command : kCommands) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

std::vector<std::string> CommandNames() {
  std::vector<std::string> names;
  for (const Command& command : kCommands) names.emplace_back(command.name);
  return names;
}

std::string Usage() {
  std::string usage = "usage: scope-migrate COMMAND [options]\n";
  for (const Command& command : kCommands) {
    std::string name = command.name;
    name.resize(std::max<size_t>(9, name.size() + 1), ' ');
    std::string synopsis = command.synopsis;
    for (size_t at = 0; (at = synopsis.find('\n', at)) != std::string::npos; at += 12) {
      synopsis.replace(at, 1, "\n           ");
    }
    usage += "  " + name + synopsis + "\n";
  }
  return usage +
         "common: [--layout FILE] [--audit-schema NAME] [--lock-timeout D] [--statement-timeout "
         "D]\n"
         "        [--progress|--no-progress] [--progress-every D] [--quiet] [--verbose] --help "
         "--version\n"
         "SOURCE: --db CONNINFO (libpq keyword/value string or URI; without it, the PG* "
         "variables)\n"
         "        --fixtures FILE (lint, verify, plan only)\n";
}

po::options_description CommandOptions(const Command& command) {
  return OptionsOf(std::string(command.name) + " options", command.groups, command.formats);
}

std::string CommandHelp(const Command& command) {
  std::ostringstream out;
  std::string synopsis = command.synopsis;
  const std::string indent(
      std::string("usage: scope-migrate ").size() + std::strlen(command.name) + 1, ' ');
  for (size_t at = 0; (at = synopsis.find('\n', at)) != std::string::npos;
       at += indent.size() + 1) {
    synopsis.replace(at, 1, "\n" + indent);
  }
  out << "usage: scope-migrate " << command.name << " " << synopsis << "\n\n"
      << CommandOptions(command) << "\n"
      << CommonOptions() << "\nexample:\n  " << command.example << "\n";
  return out.str();
}

std::vector<CommandSummary> CommandSummaries() {
  std::vector<CommandSummary> out;
  for (const Command& command : kCommands) {
    po::options_description all;
    all.add(CommandOptions(command)).add(CommonOptions());
    CommandSummary summary{command.name, {}, {}};
    for (const auto& option : all.options()) {
      summary.options.push_back("--" + option->long_name());
    }
    const std::string formats = command.formats;
    for (size_t start = 0; !formats.empty() && start <= formats.size();) {
      const size_t bar = std::min(formats.find('|', start), formats.size());
      summary.formats.push_back(formats.substr(start, bar - start));
      start = bar + 1;
    }
    out.push_back(summary);
  }
  return out;
}

namespace {

int RunCompletionCommand(const Options&) {
  std::cout << BashCompletion(CommandSummaries());
  return kExitOk;
}

}  // namespace

}  // namespace scope_migrate
