#include <algorithm>

#include "base/text_escape.h"
#include "plan/report.h"

namespace scope_migrate {
namespace {

// Every text cell through AppendCsvField (text_escape.h): RFC 4180 quoting, and a leading
// ' before what a spreadsheet would run as a formula.

// One row per scope change (action add or remove) and per extra scope the key keeps outside
// its target (action keep: a drift key's extras, and a change key's without --prune); a key
// with none of these (blocked, skipped, unchanged) gets one row with empty action and scope,
// so every key read appears at least once. A key with an override (SPEC 12.2) also gets one
// row per scope of it, action override-add or override-remove, with its reason. A seventh column holds the key's name; the last
// row the plan's sha256.
class CsvWriter : public ReportWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}

  void WriteHeader(const PlanHeader&) override {
    out_ << "key_id,tenant,status,action,scope,reason,name\r\n";
  }

  void WriteKey(const PlannedKey& k) override {
    const auto& d = k.decision;
    bool written = false;
    for (const auto& scope : d.add) written = Row(k, "add", scope);
    for (const auto& scope : d.remove) written = Row(k, "remove", scope);
    for (const auto& scope : d.extra) {
      if (!std::binary_search(d.remove.begin(), d.remove.end(), scope)) {
        written = Row(k, "keep", scope);
      }
    }
    if (!written) Row(k, "", "");
    if (d.override) {
      for (const auto& scope : d.override->add) Row(k, "override-add", scope, &d.override->reason);
      for (const auto& scope : d.override->remove) {
        Row(k, "override-remove", scope, &d.override->reason);
      }
    }
  }

  // The last row carries the plan's checksum: status "plan", reason "sha256 HEX".
  void WriteSummary(const Summary& s) override {
    out_ << ",,plan,,,sha256 " << s.plan_sha256 << ",\r\n";
    out_.flush();
  }

 private:
  // Writes one row; returns true so WriteKey can note that the key has one.
  // An override's rows carry its reason instead of the key's.
  bool Row(const PlannedKey& k, const char* action, const std::string& scope,
           const std::string* reason = nullptr) {
    row_.clear();
    AppendCsvField(row_, k.key.id);
    row_.push_back(',');
    AppendCsvField(row_, k.key.tenant.value_or(""));
    row_.push_back(',');
    row_ += StatusName(k.decision.status);
    row_.push_back(',');
    row_ += action;
    row_.push_back(',');
    AppendCsvField(row_, scope);
    row_.push_back(',');
    AppendCsvField(row_, reason != nullptr ? *reason : k.decision.reason);
    row_.push_back(',');
    AppendCsvField(row_, k.key.name.value_or(""));
    row_ += "\r\n";
    out_ << row_;
    return true;
  }

  std::ostream& out_;
  std::string row_;
};

}  // namespace

std::unique_ptr<ReportWriter> MakeCsvWriter(std::ostream& out) {
  return std::make_unique<CsvWriter>(out);
}

}  // namespace scope_migrate
