#include "cli_table.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "base/errors.h"
#include "cli.h"
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
  if (fleet && (o.mapping || o.expect_sha256)) {
    throw UsageError(
        "apply DIR takes neither --mapping nor --expect-sha256: every plan is "
        "checked against DIR/index.json's sha256");
  }
  if (o.plan_file && (o.cutoff || o.prune)) {
    throw UsageError(
        "apply PLANFILE takes neither --cutoff nor --prune (a plan file is applied exactly as "
        "planned)");
  }
  if (!o.plan_file && !o.mapping)
    throw UsageError("apply needs a PLANFILE or --mapping FILE --yes");
  if (!o.plan_file && !o.yes) {
    throw UsageError(
        "apply --mapping plans and writes in one go and needs --yes (or save a plan with "
        "`plan --out` and apply that file)");
  }
}

void CheckRollback(const Options& o) {
  CheckFleetOptions(o, o.targets.has_value());
  if ((o.run_id > 0) == o.rollback_plan.has_value()) {
    throw UsageError("rollback needs one of --run RUN_ID and --plan SHA256");
  }
}

void CheckShow(const Options& o) {
  if (!o.plan_file) throw UsageError("show needs a PLANFILE");
}

void CheckApprove(const Options& o) {
  if (!o.plan_file) throw UsageError("approve needs a PLANFILE");
  if (o.revoke && o.note) throw UsageError("approve --revoke takes no --note");
}

void CheckAuditSql(const Options& o) {
  if (o.approver && !o.grant_to) throw UsageError("audit-sql --approver needs --grant-to ROLE");
}

void CheckCompletion(const Options& o) {
  if (o.shell != "bash")
    throw UsageError("completion supports bash: scope-migrate completion bash");
}

const Command kCommands[] = {
    {"lint", "--mapping FILE [--format text|markdown|github]", kMappingOption | kFormatOption,
     "text|markdown|github", NeedsMapping, RunLintCommand,
     "scope-migrate lint --mapping mappings/legacy-roles.yaml"},
    {"verify", "--mapping FILE --fixtures FILE [--format text|junit|github]",
     kMappingOption | kFixturesOption | kFormatOption, "text|junit|github", CheckVerify,
     RunVerifyCommand,
     "scope-migrate verify --mapping mappings/legacy-roles.yaml --fixtures samples/fixtures.yaml "
     "--format junit > verify.xml"},
    {"plan",
     "SOURCE --mapping FILE [--cutoff INSTANT] [--prune]\n"
     "[--format text|jsonl|csv|markdown] [--out PLANFILE] [--detailed-exitcode]\n"
     "[--tenant T]... [--key ID]... [--max-keys N]\n"
     "--targets FILE --out DIR [--target NAME]... (a fleet: a plan per target)",
     kMappingOption | kFixturesOption | kPlanningOptions | kFormatOption | kMaxKeysOption |
         kPlanOutOptions | kFleetOptions,
     "text|jsonl|csv|markdown", CheckPlan, RunPlanCommand,
     "scope-migrate plan --db \"dbname=billing\" --mapping mappings/legacy-roles.yaml --out "
     "prod.plan.jsonl"},
    {"show", "PLANFILE [--format text|jsonl|csv|markdown] [--max-keys N] [--db CONNINFO]",
     kPlanFileArgument | kFormatOption | kMaxKeysOption, "text|jsonl|csv|markdown", CheckShow,
     RunShowCommand, "scope-migrate show prod.plan.jsonl --format markdown > ticket.md"},
    {"approve", "SOURCE PLANFILE [--note TEXT] [--revoke]", kPlanFileArgument | kApproveOptions, "",
     CheckApprove, RunApproveCommand,
     "scope-migrate approve --db \"dbname=billing\" prod.plan.jsonl --note \"reviewed in CHG-42\""},
    {"apply",
     "SOURCE (PLANFILE [--mapping FILE] | --mapping FILE [--cutoff I] [--prune] --yes)\n"
     "[--expect-sha256 HEX] [--allow-blocked] [--allow-other-database] [--batch-size N]\n"
     "[--batch-time D] [--jobs N] [--single-transaction] [--operator NAME] [--tenant T]...\n"
     "[--key ID]... [--pause D] [--max-rate KEYS] [--pause-file PATH] [--lock-lease D]\n"
     "[--require-approvals N] [--max-replica-lag D] [--max-replica-lag-bytes SIZE]\n"
     "[--max-slot-lag SIZE] [--log-format text|json]\n"
     "[--metrics-file PATH]\n"
     "DIR [--targets FILE] [--target NAME]... [--parallel-targets N] [--on-error stop|continue]",
     kMappingOption | kPlanningOptions | kPlanFileArgument | kApplyOptions | kWritingOptions |
         kFleetOptions | kFleetRunOptions,
     "", CheckApply, RunApplyCommand,
     "scope-migrate apply --db \"dbname=billing\" prod.plan.jsonl --tenant acme"},
    {"rollback",
     "SOURCE (--run RUN_ID | --plan SHA256|PREFIX|PLANFILE) [--yes] [--operator NAME]\n"
     "[--batch-size N] [--batch-time D] [--jobs N] [--pause D] [--max-rate KEYS]\n"
     "[--pause-file PATH] [--lock-lease D] [--max-replica-lag D]\n"
     "[--max-replica-lag-bytes SIZE] [--max-slot-lag SIZE]\n"
     "[--log-format text|json] [--metrics-file PATH]\n"
     "--targets FILE (--plan DIR|SHA256 | --target NAME --run RUN_ID) [--parallel-targets N]",
     kWritingOptions | kRunOption | kRollbackPlanOption | kFleetOptions | kFleetRunOptions, "",
     CheckRollback, RunRollbackCommand,
     "scope-migrate rollback --db \"dbname=billing\" --run 1 --yes"},
    {"history",
     "SOURCE [--run RUN_ID] [--format text|jsonl|csv]\n--targets FILE [--target NAME]...",
     kRunOption | kFormatOption | kFleetOptions, "text|jsonl|csv", CheckHistory, RunHistoryCommand,
     "scope-migrate history --db \"dbname=billing\""},
    {"audit-sql",
     "[--audit-schema NAME] [--grant-to ROLE [--approver]] [--layout FILE] [--db CONNINFO]",
     kAuditSqlOptions, "", CheckAuditSql, RunAuditSqlCommand,
     "scope-migrate audit-sql --grant-to migrator > audit.sql"},
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

po::options_description CommonOptions() {
  po::options_description d("common options");
  d.add_options()("help,h", "show this help")("version", "show the version")(
      "db", po::value<std::string>()->value_name("CONNINFO"),
      "libpq conninfo or URI (default: PG* variables)")(
      "layout", po::value<std::string>()->value_name("FILE"),
      "YAML file renaming tables and columns")(
      "audit-schema", po::value<std::string>()->value_name("NAME"),
      "schema of the audit tables (default: that of the keys table)")(
      "lock-timeout", po::value<std::string>()->default_value("5s")->value_name("D"),
      "lock_timeout of every transaction")("statement-timeout",
                                           po::value<std::string>()->value_name("D"),
                                           "statement_timeout of every transaction (default none)")(
      "progress",
      "progress on stderr even when it is not a terminal (then a line every --progress-every)")(
      "progress-every", po::value<std::string>()->value_name("D"),
      "interval of progress lines in logs (default 5s)")("no-progress", "no progress line")(
      "quiet,q", "only errors on stderr")("verbose,v", "timings per phase on stderr");
  return d;
}

po::options_description CommandOptions(const Command& command) {
  po::options_description d(std::string(command.name) + " options");
  auto add = d.add_options();
  const unsigned g = command.groups;
  if (g & kFormatOption) {
    const std::string formats = command.formats;
    add("format", po::value<std::string>()->value_name("FORMAT"),
        (formats + " (default " + formats.substr(0, formats.find('|')) + ")").c_str());
  }
  if (g & kMappingOption)
    add("mapping", po::value<std::string>()->value_name("FILE"),
        "the role-to-scope mapping (YAML)");
  if (g & kFixturesOption)
    add("fixtures", po::value<std::string>()->value_name("FILE"), "read keys from a fixture file");
  if (g & kPlanningOptions) {
    add("cutoff", po::value<std::string>()->value_name("INSTANT"),
        "RFC 3339 instant overriding the mapping's cutoff");
    add("prune", "remove scopes outside the target");
    add("tenant", po::value<std::vector<std::string>>()->value_name("T"),
        "only keys of this tenant (repeatable)");
    add("key", po::value<std::vector<std::string>>()->value_name("ID"),
        "only this key id (repeatable)");
  }
  if (g & kMaxKeysOption) {
    add("max-keys", po::value<int64_t>()->default_value(1000)->value_name("N"),
        "text: per-key lines shown; markdown: blocked and drift keys listed");
  }
  if (g & kPlanOutOptions) {
    add("out", po::value<std::string>()->value_name("PLANFILE"),
        "also write the plan file (JSON Lines; .gz, .zst)");
    add("detailed-exitcode", "exit 0 nothing pending, 2 changes pending, 3 blocked keys");
  }
  if (g & kApplyOptions) {
    add("allow-blocked", "apply the other keys when some are blocked");
    add("allow-other-database", "apply a plan made on another database");
    add("single-transaction", "the whole run in one transaction");
    add("require-approvals", po::value<int64_t>()->value_name("N"),
        "refuse unless N roles other than this one approved this exact plan");
    add("expect-sha256", po::value<std::string>(), "refuse any plan but the one of this sha256");
  }
  if (g & kWritingOptions) {
    add("batch-size", po::value<int64_t>()->default_value(1000)->value_name("N"),
        "the most keys per transaction");
    add("batch-time", po::value<std::string>()->default_value("200ms")->value_name("D"),
        "size batches to take about this long, 0 = always --batch-size");
    add("jobs", po::value<int64_t>()->default_value(1)->value_name("N"),
        "connections writing batches in parallel");
    add("operator", po::value<std::string>()->value_name("NAME"),
        "who runs it (default: the OS user)");
    add("pause", po::value<std::string>()->value_name("D"), "pause between batches, e.g. 200ms");
    add("max-rate", po::value<double>()->value_name("KEYS"), "at most this many keys per second");
    add("pause-file", po::value<std::string>()->value_name("PATH"),
        "no batch starts while this file exists");
    add("yes,y", "really write");
    add("lock-lease", po::value<std::string>()->default_value("2min")->value_name("D"),
        "a run's lease may be taken over when its heartbeat is older than this");
    add("log-format", po::value<std::string>()->default_value("text"),
        "stderr as text or json (one JSON object per line)");
    add("metrics-file", po::value<std::string>(),
        "keep a Prometheus text-format file of the run's state here");
    add("max-replica-lag", po::value<std::string>()->default_value("10s"),
        "hold writes while a replica's replay lag is over this, 0 = do not check replicas");
    add("max-replica-lag-bytes", po::value<std::string>()->default_value("1GiB"),
        "hold writes while a replica is this much WAL behind, 0 = no byte limit");
    add("max-slot-lag", po::value<std::string>()->default_value("1GiB"),
        "hold writes while an active logical slot is this much WAL behind, 0 = do not check");
  }
  if (g & kRunOption)
    add("run", po::value<int64_t>()->value_name("RUN_ID"),
        "the run (rollback: the apply run to revert)");
  if (g & kRollbackPlanOption) {
    add("plan", po::value<std::string>()->value_name("PLAN"),
        "revert every apply run of this plan: its sha256, a prefix of 8+ hex digits, or "
        "the plan file");
  }
  if (g & kFleetOptions) {
    add("targets", po::value<std::string>()->value_name("FILE"),
        "a fleet: the YAML list of target databases");
    add("target", po::value<std::vector<std::string>>()->value_name("NAME"),
        "only this target of the fleet (repeatable)");
  }
  if (g & kFleetRunOptions) {
    add("parallel-targets", po::value<int64_t>()->default_value(1)->value_name("N"),
        "fleet: targets run at once");
    add("on-error", po::value<std::string>()->default_value("stop")->value_name("stop|continue"),
        "fleet: after a target fails, start no other (stop) or go on (continue)");
  }
  if (g & kAuditSqlOptions) {
    add("grant-to", po::value<std::string>()->value_name("ROLE"), "also print the GRANTs");
    add("approver", "with --grant-to: the grants of a role that approves plans");
  }
  if (g & kApproveOptions) {
    add("note", po::value<std::string>()->value_name("TEXT"), "a note kept with the approval");
    add("revoke", "withdraw this role's approval of the plan");
  }
  return d;
}

po::options_description InternalOptions() {
  po::options_description d;
  d.add_options()("plan-file", po::value<std::string>(), "the PLANFILE argument")(
      "shell", po::value<std::string>(), "completion's SHELL argument")(
      "stray", po::value<std::vector<std::string>>(),
      "positional arguments a command does not take");
  return d;
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

std::vector<std::string> ForwardedArgs(const po::variables_map& vm,
                                       const po::options_description& all) {
  static const char* const kNotForwarded[] = {
      "db",      "layout", "plan-file",        "shell",    "stray", "plan",
      "targets", "target", "parallel-targets", "on-error", "help",  "version"};
  std::vector<std::string> args;
  for (const auto& [name, value] : vm) {
    if (value.defaulted() || std::find(std::begin(kNotForwarded), std::end(kNotForwarded), name) !=
                                 std::end(kNotForwarded)) {
      continue;
    }
    const boost::any& any = value.value();
    if (all.find(name, false).semantic()->max_tokens() == 0) {
      args.push_back("--" + name);  // a switch
    } else if (const auto* text = boost::any_cast<std::string>(&any)) {
      args.push_back("--" + name + "=" + *text);
    } else if (const auto* number = boost::any_cast<int64_t>(&any)) {
      args.push_back("--" + name + "=" + std::to_string(*number));
    } else if (const auto* real = boost::any_cast<double>(&any)) {
      args.push_back("--" + name + "=" + std::to_string(*real));
    } else if (const auto* list = boost::any_cast<std::vector<std::string>>(&any)) {
      for (const std::string& item : *list) args.push_back("--" + name + "=" + item);
    }
  }
  return args;
}

bool TakesFileName(const std::string& option) {
  for (const char* name : {"--mapping", "--fixtures", "--layout", "--out", "--targets"}) {
    if (option == name) return true;
  }
  return false;
}

}  // namespace scope_migrate
