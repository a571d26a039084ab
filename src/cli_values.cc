#include "cli_values.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "base/durations.h"
#include "base/errors.h"
#include "base/event_log.h"
#include "base/yaml_util.h"

namespace po = boost::program_options;

namespace scope_migrate {
namespace {

int64_t DurationOption(const po::variables_map& vm, const char* name) {
  const std::string text = vm[name].as<std::string>();
  const auto ms = ParseDurationMs(text);
  if (!ms) {
    throw UsageError("--" + std::string(name) + " \"" + text +
                     "\" is not a duration (e.g. 500ms, 5s, 2min)");
  }
  return *ms;
}

std::optional<std::string> Text(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<std::string>();
}

// --format: one of the command's formats ("a|b|c"), else a usage error listing them.
std::string FormatOption(const po::variables_map& vm, const Command& command) {
  const std::string formats = command.formats;
  if (!vm.count("format")) return formats.substr(0, formats.find('|'));
  const std::string value = vm["format"].as<std::string>();
  std::vector<std::string> allowed;
  for (size_t start = 0; start <= formats.size();) {
    const size_t bar = std::min(formats.find('|', start), formats.size());
    allowed.push_back(formats.substr(start, bar - start));
    start = bar + 1;
  }
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string list;
  for (size_t i = 0; i < allowed.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
  }
  throw UsageError("--format must be " + list);
}

// --expect-sha256: 64 hex digits, either case, kept in lower case; else a usage error.
std::optional<std::string> ExpectSha256Option(const po::variables_map& vm) {
  std::optional<std::string> hex = Text(vm, "expect-sha256");
  if (!hex) return hex;
  const bool is_hex = hex->size() == 64 && std::all_of(hex->begin(), hex->end(), [](char c) {
                        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                      });
  if (!is_hex) throw UsageError("--expect-sha256 must be 64 hexadecimal digits (a plan's sha256)");
  for (char& c : *hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return hex;
}

// The options read as they are, each into its field of Options.
const std::pair<const char*, std::optional<std::string> Options::*> kTextFields[] = {
    {"db", &Options::db},
    {"fixtures", &Options::fixtures},
    {"layout", &Options::layout},
    {"audit-schema", &Options::audit_schema},
    {"mapping", &Options::mapping},
    {"overrides", &Options::overrides},
    {"cutoff", &Options::cutoff},
    {"out", &Options::out},
    {"plan-file", &Options::plan_file},
    {"operator", &Options::operator_name},
    {"plan", &Options::rollback_plan},
    {"grant-to", &Options::grant_to},
    {"note", &Options::note},
    {"metrics-file", &Options::metrics_file},
    {"targets", &Options::targets},
    {"pause-file", &Options::pause_file},
    {"endpoints", &Options::endpoints},
    {"usage-fields", &Options::usage_fields},
    {"usage-since", &Options::usage_since},
    {"suggest-overrides", &Options::suggest_overrides},
    {"from-openapi", &Options::from_openapi}};
const std::pair<const char*, bool Options::*> kSwitchFields[] = {
    {"quiet", &Options::quiet},
    {"verbose", &Options::verbose},
    {"prune", &Options::prune},
    {"detailed-exitcode", &Options::detailed_exitcode},
    {"yes", &Options::yes},
    {"allow-blocked", &Options::allow_blocked},
    {"allow-other-database", &Options::allow_other_database},
    {"single-transaction", &Options::single_transaction},
    {"revoke", &Options::revoke},
    {"approver", &Options::approver},
    {"narrow", &Options::narrow},
    {"usage-table", &Options::usage_table}};

// PostgreSQL keeps the first 63 bytes of a name (NAMEDATALEN - 1) and cuts the rest off in
// silence; an empty quoted name is a syntax error (42601). Both are usage errors here.
constexpr size_t kMaxIdentifierBytes = 63;

void CheckIdentifierOption(const char* name, const std::optional<std::string>& value) {
  if (!value) return;
  if (value->empty()) throw UsageError("--" + std::string(name) + " needs a name");
  if (value->size() > kMaxIdentifierBytes) {
    throw UsageError("--" + std::string(name) + " is " + std::to_string(value->size()) +
                     " bytes long; PostgreSQL names are at most 63 bytes (it would cut the rest "
                     "off)");
  }
}

void ReadTextOptions(const po::variables_map& vm, Options& o) {
  for (const auto& [name, field] : kTextFields) o.*field = Text(vm, name);
  CheckIdentifierOption("audit-schema", o.audit_schema);
  CheckIdentifierOption("grant-to", o.grant_to);
  for (const char* name : {"metrics-file", "pause-file"}) {
    if (vm.count(name) && vm[name].as<std::string>().empty()) {
      throw UsageError("--" + std::string(name) + " needs a path");
    }
  }
  o.expect_sha256 = ExpectSha256Option(vm);
  o.shell = Text(vm, "shell").value_or("");
  if (vm.count("tenant")) o.filter.tenants = vm["tenant"].as<std::vector<std::string>>();
  if (vm.count("key")) o.filter.ids = vm["key"].as<std::vector<std::string>>();
  if (vm.count("usage")) o.usage = vm["usage"].as<std::vector<std::string>>();
  if (vm.count("target")) o.target_names = vm["target"].as<std::vector<std::string>>();
}

// --parallel-targets and --on-error.
void ReadFleetOptions(const po::variables_map& vm, Options& o) {
  if (vm.count("parallel-targets")) {
    const int64_t n = vm["parallel-targets"].as<int64_t>();
    if (n < 1 || n > 64) throw UsageError("--parallel-targets must be between 1 and 64");
    o.parallel_targets = static_cast<int>(n);
  }
  if (vm.count("on-error")) {
    const std::string value = vm["on-error"].as<std::string>();
    if (value != "stop" && value != "continue") {
      throw UsageError("--on-error must be stop or continue");
    }
    o.stop_on_error = value == "stop";
  }
}

void ReadSwitches(const po::variables_map& vm, Options& o) {
  if (vm.count("progress") && vm.count("no-progress")) {
    throw UsageError("--progress and --no-progress conflict");
  }
  if (vm.count("progress")) o.progress = ProgressMode::kOn;
  if (vm.count("no-progress")) o.progress = ProgressMode::kOff;
  for (const auto& [name, field] : kSwitchFields) o.*field = vm.count(name) > 0;
}

// The most keys in one batch: a transaction holding more row locks than this is not a
// batch but the whole run (which --single-transaction says).
constexpr int64_t kMaxBatchSize = 1000000;

// --max-rate: a finite number of keys per second, 0 for no limit. NaN, infinities and rates
// too small to mean anything (1e-20 was printed as a limit and none applied) are refused.
double MaxRateOption(double rate) {
  constexpr double kSlowest = 0.001, kFastest = 1e9;
  if (!std::isfinite(rate) || rate < 0 || (rate > 0 && rate < kSlowest) || rate > kFastest) {
    throw UsageError(
        "--max-rate must be 0 (no limit) or a number of keys per second from 0.001 to "
        "1000000000");
  }
  return rate;
}

// --lock-timeout and --statement-timeout become PostgreSQL settings, whose limit is
// INT_MAX milliseconds (about 24.8 days): more would fail every transaction.
int64_t TimeoutOption(const po::variables_map& vm, const char* name) {
  const int64_t ms = DurationOption(vm, name);
  if (ms > std::numeric_limits<int32_t>::max()) {
    throw UsageError("--" + std::string(name) +
                     " is over PostgreSQL's limit of 2147483647ms (about 24 days)");
  }
  return ms;
}

void ReadNumbers(const po::variables_map& vm, Options& o) {
  o.timeouts.lock_timeout_ms = TimeoutOption(vm, "lock-timeout");
  if (vm.count("statement-timeout")) {
    o.timeouts.statement_timeout_ms = TimeoutOption(vm, "statement-timeout");
  }
  if (vm.count("pause")) o.pause_ms = DurationOption(vm, "pause");
  if (vm.count("batch-time")) o.batch_time_ms = DurationOption(vm, "batch-time");
  if (vm.count("progress-every")) o.progress_every_ms = DurationOption(vm, "progress-every");
  if (vm.count("lock-lease")) {
    o.lock_lease_ms = DurationOption(vm, "lock-lease");
    if (o.lock_lease_ms < 1000) throw UsageError("--lock-lease must be at least 1s");
  }
  if (vm.count("max-keys")) {
    if (vm["max-keys"].as<int64_t>() < 0) throw UsageError("--max-keys must not be negative");
    o.max_keys = static_cast<size_t>(vm["max-keys"].as<int64_t>());
  }
  if (vm.count("batch-size")) {
    const int64_t size = vm["batch-size"].as<int64_t>();
    if (size < 1 || size > kMaxBatchSize) {
      throw UsageError("--batch-size must be between 1 and " + std::to_string(kMaxBatchSize) +
                       " (keys in one transaction)");
    }
    o.batch_size = static_cast<size_t>(size);
  }
  if (vm.count("jobs")) {
    const int64_t jobs = vm["jobs"].as<int64_t>();
    if (jobs < 1 || jobs > 64) throw UsageError("--jobs must be between 1 and 64");
    o.jobs = static_cast<int>(jobs);
  }
  if (o.jobs > 1 && o.single_transaction) {
    throw UsageError(
        "--jobs and --single-transaction conflict: one transaction has one connection");
  }
  if (vm.count("max-rate")) o.max_rate = MaxRateOption(vm["max-rate"].as<double>());
  if (o.single_transaction &&
      (vm.count("pause") || vm.count("max-rate") || vm.count("pause-file"))) {
    throw UsageError(
        "--single-transaction conflicts with --pause, --max-rate and --pause-file: waiting "
        "inside the one transaction would only hold its locks longer");
  }
  if (vm.count("run")) {
    o.run_id = vm["run"].as<int64_t>();
    if (o.run_id < 1) throw UsageError("--run must be a run id (a whole number, 1 or more)");
  }
  if (vm.count("verify")) {
    o.verify_run = vm["verify"].as<int64_t>();
    if (o.verify_run < 1) {
      throw UsageError("--verify must be a run id (a whole number, 1 or more)");
    }
  }
  if (vm.count("require-approvals")) {
    o.require_approvals = vm["require-approvals"].as<int64_t>();
    if (o.require_approvals < 0) throw UsageError("--require-approvals must not be negative");
  }
}

int64_t SizeOption(const po::variables_map& vm, const char* name) {
  const std::string text = vm[name].as<std::string>();
  const auto bytes = ParseByteSize(text);
  if (!bytes) {
    throw UsageError("--" + std::string(name) + " \"" + text +
                     "\" is not a size (e.g. 1048576, 512MB, 1GiB)");
  }
  return *bytes;
}

// --log-format text|json, set for the whole process before anything is said on stderr.
void ReadLogFormat(const po::variables_map& vm) {
  if (!vm.count("log-format")) return;
  const std::string format = vm["log-format"].as<std::string>();
  if (format != "text" && format != "json") throw UsageError("--log-format must be text or json");
  SetLogFormat(format == "json" ? LogFormat::kJson : LogFormat::kText);
}

// --max-app-latency D with --probe-sql FILE (SPEC 12.6): one needs the other; the file
// holds one statement (read here, so a bad file is refused before any connection).
void ReadAppLatency(const po::variables_map& vm, Options& o) {
  const bool bound = vm.count("max-app-latency") > 0, probe = vm.count("probe-sql") > 0;
  if (bound != probe) {
    throw UsageError(bound ? "--max-app-latency needs --probe-sql FILE: the statement to time"
                           : "--probe-sql needs --max-app-latency D: the bound on its p99");
  }
  if (!bound) return;
  o.health.app_latency_ms = DurationOption(vm, "max-app-latency");
  if (o.health.app_latency_ms <= 0) throw UsageError("--max-app-latency must be over 0");
  o.health.probe_file = vm["probe-sql"].as<std::string>();
  o.health.probe_sql = ReadInputFile(o.health.probe_file);
  if (o.health.probe_sql.find('\0') != std::string::npos) {
    throw InputError(o.health.probe_file, 0, 0, "holds a NUL byte; the probe is one SQL statement");
  }
  if (o.health.probe_sql.find_first_not_of(" \t\r\n;") == std::string::npos) {
    throw InputError(o.health.probe_file, 0, 0, "holds no statement to time");
  }
}

// The health throttle's limits (SPEC 11.2).
void ReadHealthLimits(const po::variables_map& vm, Options& o) {
  if (vm.count("max-replica-lag")) {
    o.health.replica_lag_ms = DurationOption(vm, "max-replica-lag");
  }
  if (vm.count("max-replica-lag-bytes")) {
    o.health.replica_lag_bytes = SizeOption(vm, "max-replica-lag-bytes");
  }
  if (vm.count("max-slot-lag")) o.health.slot_lag_bytes = SizeOption(vm, "max-slot-lag");
  ReadAppLatency(vm, o);
}

}  // namespace

void ReadOptionValues(const po::variables_map& vm, const Command& command, Options& o) {
  ReadLogFormat(vm);
  ReadTextOptions(vm, o);
  if (o.out && *o.out == "-") {
    throw UsageError(
        "--out - would write a file named \"-\": the report already goes to stdout; give --out "
        "the plan file's name");
  }
  o.format_name = FormatOption(vm, command);
  o.format = ReportFormatNamed(o.format_name);
  ReadSwitches(vm, o);
  ReadNumbers(vm, o);
  ReadHealthLimits(vm, o);
  ReadFleetOptions(vm, o);
}

}  // namespace scope_migrate
