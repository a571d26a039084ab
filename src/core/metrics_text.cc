#include "core/metrics_text.h"

#include <cstdio>

namespace scope_migrate {
namespace {

const char* const kStatuses[] = {"running", "succeeded", "failed", "stale", "interrupted"};
const ThrottleCause kCauses[] = {ThrottleCause::kReplicaLag, ThrottleCause::kSlotLag,
                                 ThrottleCause::kLagUnreadable, ThrottleCause::kCheckFailed};

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

// A label value: backslash, double quote and newline escaped.
std::string Label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

void Family(std::string& out, const std::string& name, const char* type, const char* help) {
  out += "# HELP scope_migrate_" + name + " " + help + "\n# TYPE scope_migrate_" + name + " " +
         type + "\n";
}

void Sample(std::string& out, const std::string& name, const std::string& labels, double value) {
  out += "scope_migrate_" + name + (labels.empty() ? "" : "{" + labels + "}") + " " +
         Number(value) + "\n";
}

}  // namespace

std::string FormatMetrics(const RunMetrics& m) {
  std::string out;
  Family(out, "run_info", "gauge", "The run this file describes.");
  Sample(out, "run_info",
         "kind=\"" + Label(m.kind) + "\",run_id=\"" + std::to_string(m.run_id) +
             "\",plan_sha256=\"" + Label(m.plan_sha256) + "\"",
         1);
  Family(out, "run_status", "gauge", "1 for the run's status, 0 for the others.");
  for (const char* status : kStatuses) {
    Sample(out, "run_status", std::string("status=\"") + status + "\"", m.status == status);
  }
  Family(out, "keys_done", "gauge", "Keys of committed batches, written or passed over.");
  Sample(out, "keys_done", "", m.keys_done);
  Family(out, "keys_planned", "gauge", "Keys the run has to go through.");
  Sample(out, "keys_planned", "", m.keys_planned);
  Family(out, "scopes_done", "gauge", "Scopes of committed batches and of keys passed over as written.");
  Sample(out, "scopes_done", "", m.scopes_done);
  Family(out, "scopes_planned", "gauge", "Scopes the run has to add and remove.");
  Sample(out, "scopes_planned", "", m.scopes_planned);
  Family(out, "batches", "gauge", "Committed batches.");
  Sample(out, "batches", "", m.batches);
  Family(out, "batch_size", "gauge", "Keys the last batch was taken at.");
  Sample(out, "batch_size", "", m.batch_size);
  Family(out, "throttled_seconds", "gauge", "Time the health throttle held the run, by cause.");
  for (const ThrottleCause cause : kCauses) {
    const auto it = m.throttled_ms.find(cause);
    Sample(out, "throttled_seconds", std::string("cause=\"") + ToString(cause) + "\"",
           it == m.throttled_ms.end() ? 0 : it->second / 1000.0);
  }
  Family(out, "replica_lag_seconds", "gauge", "The largest replica replay_lag last seen.");
  Sample(out, "replica_lag_seconds", "", m.replica_lag_seconds);
  Family(out, "replica_lag_bytes", "gauge", "The largest replica WAL lag last seen.");
  Sample(out, "replica_lag_bytes", "", static_cast<double>(m.replica_lag_bytes));
  Family(out, "slot_lag_bytes", "gauge", "The largest active logical slot WAL lag last seen.");
  Sample(out, "slot_lag_bytes", "", static_cast<double>(m.slot_lag_bytes));
  return out;
}

}  // namespace scope_migrate
