#include "cli_options.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace po = boost::program_options;

namespace scope_migrate {
namespace {

// The options, as data: the group that brings each in (kCommonOptions: every command), its
// long name (",x" adds the short one), the kind of value, the value's name in help, its
// default (nullptr: none) and its help. Help and completion list them in this order.
enum class ValueKind { kSwitch, kText, kTexts, kInteger, kReal, kFormat };

struct OptionRow {
  unsigned group;
  const char* name;
  ValueKind kind;
  const char* value_name;
  const char* default_value;
  const char* help;
};

constexpr unsigned kCommonOptions = 1u << 31;
using K = ValueKind;

const OptionRow kOptions[] = {
    {kCommonOptions, "help,h", K::kSwitch, "", nullptr, "show this help"},
    {kCommonOptions, "version", K::kSwitch, "", nullptr, "show the version"},
    {kCommonOptions, "db", K::kText, "CONNINFO", nullptr,
     "libpq conninfo or URI (default: PG* variables)"},
    {kCommonOptions, "layout", K::kText, "FILE", nullptr, "YAML file renaming tables and columns"},
    {kCommonOptions, "audit-schema", K::kText, "NAME", nullptr,
     "schema of the audit tables (default: that of the keys table)"},
    {kCommonOptions, "lock-timeout", K::kText, "D", "5s", "lock_timeout of every transaction"},
    {kCommonOptions, "statement-timeout", K::kText, "D", nullptr,
     "statement_timeout of every transaction (default none)"},
    {kCommonOptions, "progress", K::kSwitch, "", nullptr,
     "progress on stderr even when it is not a terminal (then a line every --progress-every)"},
    {kCommonOptions, "progress-every", K::kText, "D", nullptr,
     "interval of progress lines in logs (default 5s)"},
    {kCommonOptions, "no-progress", K::kSwitch, "", nullptr, "no progress line"},
    {kCommonOptions, "quiet,q", K::kSwitch, "", nullptr, "only errors on stderr"},
    {kCommonOptions, "verbose,v", K::kSwitch, "", nullptr, "timings per phase on stderr"},

    {kFormatOption, "format", K::kFormat, "", nullptr, ""},
    {kMappingOption, "mapping", K::kText, "FILE", nullptr, "the role-to-scope mapping (YAML)"},
    {kOverridesOption, "overrides", K::kText, "FILE", nullptr,
     "per-key exceptions to the mapping (YAML, or JSON Lines when FILE ends in .jsonl)"},
    {kFixturesOption, "fixtures", K::kText, "FILE", nullptr, "read keys from a fixture file"},
    {kPlanningOptions, "cutoff", K::kText, "INSTANT", nullptr,
     "RFC 3339 instant overriding the mapping's cutoff"},
    {kPlanningOptions, "prune", K::kSwitch, "", nullptr, "remove scopes outside the target"},
    {kPlanningOptions, "tenant", K::kTexts, "T", nullptr, "only keys of this tenant (repeatable)"},
    {kPlanningOptions, "key", K::kTexts, "ID", nullptr, "only this key id (repeatable)"},
    {kMaxKeysOption, "max-keys", K::kInteger, "N", "1000",
     "text: per-key lines shown; markdown, html: blocked and drift keys listed"},
    {kPlanOutOptions, "out", K::kText, "PLANFILE", nullptr,
     "also write the plan file (JSON Lines; .gz, .zst)"},
    {kPlanOutOptions, "detailed-exitcode", K::kSwitch, "", nullptr,
     "exit 0 nothing pending, 2 changes pending, 3 blocked keys"},

    {kApplyOptions, "allow-blocked", K::kSwitch, "", nullptr,
     "apply the other keys when some are blocked"},
    {kApplyOptions, "allow-other-database", K::kSwitch, "", nullptr,
     "apply a plan made on another database"},
    {kApplyOptions, "single-transaction", K::kSwitch, "", nullptr,
     "the whole run in one transaction"},
    {kApplyOptions, "require-approvals", K::kInteger, "N", nullptr,
     "refuse unless N roles other than this one approved this exact plan"},
    {kApplyOptions, "expect-sha256", K::kText, "SHA256", nullptr,
     "refuse any plan but the one of this sha256"},

    {kWritingOptions, "batch-size", K::kInteger, "N", "1000", "the most keys per transaction"},
    {kWritingOptions, "batch-time", K::kText, "D", "200ms",
     "size batches to take about this long, 0 = always --batch-size"},
    {kWritingOptions, "jobs", K::kInteger, "N", "1", "connections writing batches in parallel"},
    {kWritingOptions, "operator", K::kText, "NAME", nullptr, "who runs it (default: the OS user)"},
    {kWritingOptions, "pause", K::kText, "D", nullptr, "pause between batches, e.g. 200ms"},
    {kWritingOptions, "max-rate", K::kReal, "KEYS", nullptr, "at most this many keys per second"},
    {kWritingOptions, "pause-file", K::kText, "PATH", nullptr,
     "no batch starts while this file exists"},
    {kWritingOptions, "yes,y", K::kSwitch, "", nullptr, "really write"},
    {kWritingOptions, "lock-lease", K::kText, "D", "2min",
     "a run's lease may be taken over when its heartbeat is older than this"},
    {kWritingOptions, "log-format", K::kText, "text|json", "text",
     "stderr as text or json (one JSON object per line)"},
    {kWritingOptions, "metrics-file", K::kText, "PATH", nullptr,
     "keep a Prometheus text-format file of the run's state here"},
    {kWritingOptions, "max-replica-lag", K::kText, "D", "10s",
     "hold writes while a replica's replay lag is over this, 0 = do not check replicas"},
    {kWritingOptions, "max-replica-lag-bytes", K::kText, "SIZE", "1GiB",
     "hold writes while a replica is this much WAL behind, 0 = no byte limit"},
    {kWritingOptions, "max-slot-lag", K::kText, "SIZE", "1GiB",
     "hold writes while an active logical slot is this much WAL behind, 0 = do not check"},
    {kWritingOptions, "max-app-latency", K::kText, "D", nullptr,
     "shrink batches, then pause, while the --probe-sql statement's p99 over 10s is over this"},
    {kWritingOptions, "probe-sql", K::kText, "FILE", nullptr,
     "a read-only statement the application runs, timed every 200ms on its own connection"},

    {kRunOption, "run", K::kInteger, "RUN_ID", nullptr,
     "the run (rollback: the apply run to revert)"},
    {kRollbackPlanOption, "plan", K::kText, "PLAN", nullptr,
     "revert every apply run of this plan: its sha256, a prefix of 8+ hex digits, or the plan "
     "file (with --run: the run's plan file)"},
    {kVerifyRunOption, "verify", K::kInteger, "RUN_ID", nullptr,
     "list the apply run's audit rows that match no change of its plan"},
    {kFleetOptions, "targets", K::kText, "FILE", nullptr,
     "a fleet: the YAML list of target databases"},
    {kFleetOptions, "target", K::kTexts, "NAME", nullptr,
     "only this target of the fleet (repeatable)"},
    {kFleetRunOptions, "parallel-targets", K::kInteger, "N", "1", "fleet: targets run at once"},
    {kFleetRunOptions, "on-error", K::kText, "stop|continue", "stop",
     "fleet: after a target fails, start no other (stop) or go on (continue)"},
    {kAuditSqlOptions, "grant-to", K::kText, "ROLE", nullptr, "also print the GRANTs"},
    {kAuditSqlOptions, "approver", K::kSwitch, "", nullptr,
     "with --grant-to: the grants of a role that approves plans"},
    {kEndpointsOption, "endpoints", K::kText, "FILE", nullptr,
     "the endpoint catalog: an endpoints file or an OpenAPI 3 document"},
    {kReplayOptions, "usage", K::kTexts, "FILE", nullptr,
     "calls to replay: JSON Lines or CSV (.gz, .zst), - for stdin (repeatable)"},
    {kReplayOptions, "usage-table", K::kSwitch, "", nullptr,
     "calls to replay from the database: the layout's usage: section, in the keys' snapshot"},
    {kReplayOptions, "usage-fields", K::kText, "key=PATH,...", nullptr,
     "read gateway JSON logs: dotted paths of key, method, path, at[:s|:ms], status, count"},
    {kReplayOptions, "usage-since", K::kText, "INSTANT|D", "90d",
     "the window's start: an RFC 3339 instant, or a duration before now"},
    {kSuggestOptions, "suggest-overrides", K::kText, "FILE", nullptr,
     "write proposed per-key overrides (YAML, or JSON Lines for .jsonl)"},
    {kSuggestOptions, "narrow", K::kSwitch, "", nullptr,
     "also propose removing the scopes each key with calls does not use"},
    {kFromOpenApiOption, "from-openapi", K::kText, "FILE", nullptr,
     "the OpenAPI 3 document to derive the catalog from"},
    {kApproveOptions, "note", K::kText, "TEXT", nullptr, "a note kept with the approval"},
    {kApproveOptions, "revoke", K::kSwitch, "", nullptr,
     "withdraw this role's approval of the plan"},
};

// The Boost.Program_options value of `row` (nullptr for a switch).
po::value_semantic* Semantic(const OptionRow& row, const std::string& value_name) {
  const char* d = row.default_value;
  switch (row.kind) {
    case K::kSwitch:
      return nullptr;
    case K::kText:
    case K::kFormat: {
      auto* v = po::value<std::string>()->value_name(value_name);
      return d ? v->default_value(d) : v;
    }
    case K::kTexts:
      return po::value<std::vector<std::string>>()->value_name(value_name);
    case K::kInteger: {
      auto* v = po::value<int64_t>()->value_name(value_name);
      return d ? v->default_value(std::stoll(d), d) : v;
    }
    case K::kReal:
      return po::value<double>()->value_name(value_name);
  }
  return nullptr;
}

// The options of the rows whose group is in `groups`; --format's values and default come
// from the command's row.
po::options_description Describe(const std::string& caption, unsigned groups,
                                 const std::string& formats) {
  po::options_description d(caption);
  for (const OptionRow& row : kOptions) {
    if (!(row.group & groups)) continue;
    std::string value_name = row.value_name, help = row.help;
    if (row.kind == K::kFormat) {
      value_name = formats;
      help = "output format (default " + formats.substr(0, formats.find('|')) + ")";
    }
    po::value_semantic* semantic = Semantic(row, value_name);
    if (semantic == nullptr) {
      d.add_options()(row.name, help.c_str());
    } else {
      d.add_options()(row.name, semantic, help.c_str());
    }
  }
  return d;
}

}  // namespace

po::options_description CommonOptions() { return Describe("common options", kCommonOptions, ""); }

po::options_description OptionsOf(const std::string& caption, unsigned groups,
                                  const std::string& formats) {
  return Describe(caption, groups & ~kCommonOptions, formats);
}

bool IsInternalOption(const std::string& name) {
  return name == "plan-file" || name == "shell" || name == "stray";
}

po::options_description InternalOptions() {
  po::options_description d;
  d.add_options()("plan-file", po::value<std::string>(), "the PLANFILE argument")(
      "shell", po::value<std::string>(), "completion's SHELL argument")(
      "stray", po::value<std::vector<std::string>>(),
      "positional arguments a command does not take");
  return d;
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
      char text[32];  // every digit: std::to_string would print 0.0005 as 0.000500, 1e-7 as 0
      std::snprintf(text, sizeof text, "%.17g", *real);
      args.push_back("--" + name + "=" + text);
    } else if (const auto* list = boost::any_cast<std::vector<std::string>>(&any)) {
      for (const std::string& item : *list) args.push_back("--" + name + "=" + item);
    }
  }
  return args;
}

}  // namespace scope_migrate
