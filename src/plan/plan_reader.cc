#include "plan/plan_reader.h"

#include <istream>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/file_streams.h"
#include "base/sha256.h"
#include "base/yaml_util.h"
#include "plan/key_line_parser.h"
#include "plan/plan_check.h"
#include "plan/plan_lines.h"

namespace scope_migrate {
namespace {

bool IsSummaryLine(const std::string& line) {
  static const std::string kPrefix = kSummaryLinePrefix;
  return line.compare(0, kPrefix.size(), kPrefix) == 0;
}

ToolError BadPlan(const std::string& path, int line, const std::string& message) {
  return InputError(path, line, 1, message);
}

}  // namespace

// Reads the file line by line, hashing every line before the summary and keeping each key
// that passes the filter in the verified copy.
class PlanFile::Loader {
 public:
  // `keys`: parse and keep the key lines (Open); without, only count and hash them (Digest).
  Loader(PlanFile& plan, const KeyFilter& filter, bool keys = true)
      : plan_(plan), filter_(filter), tally_(filter), keys_(keys) {}

  void Read(std::istream& in) {
    std::string line;
    while (NextLine(in, line)) {
      if (summary_) throw Bad("a line follows the summary: the file was edited");
      if (number_ > 1 && IsSummaryLine(line)) {
        summary_.emplace(plan_.path_, number_, line);
        summary_line_ = number_;
        continue;
      }
      hasher_.Update(line);
      hasher_.Update("\n");
      if (number_ == 1) {
        plan_.header_ = ParseHeaderLine(plan_.path_, line);
        Defer([&] { checker_.emplace(plan_.path_, plan_.header_); });
      } else if (!keys_) {
        ++all_keys_;
      } else {
        // Every line is parsed now, so a plan that cannot be read to the end is refused
        // before the first batch is written.
        Keep(ParseKeyLine(plan_.path_, number_, line, plan_.header_.prune));
      }
    }
    if (number_ == 0) throw BadPlan(plan_.path_, 0, "the plan file is empty");
    if (!summary_) throw Bad("no summary line: the file is truncated");
  }

  void CheckSummary() {
    const std::string digest = hasher_.HexDigest();
    plan_.summary_ = summary_->Verify(digest, all_keys_);
    if (!keys_) return;
    Defer([&] { checker_->CheckSummary(plan_.summary_, summary_line_); });
    if (deferred_) throw *deferred_;
    plan_.sha256_ = digest;
    plan_.copy_->Finish();
    if (!filter_.empty()) plan_.filter_misses_ = tally_.Misses();
  }

 private:
  ToolError Bad(const std::string& message) const { return BadPlan(plan_.path_, number_, message); }

  // The next line, without its newline, of at most max_line_ bytes, within max_total_ bytes
  // of the whole (uncompressed) file: memory and the verified copy stay bounded whatever
  // the file holds, and neither limit waits for the checksum at the end.
  bool NextLine(std::istream& in, std::string& line) {
    if (buffer_.empty()) buffer_.resize(max_line_ + 2);
    in.getline(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    const size_t got = static_cast<size_t>(in.gcount());  // with the newline, if any
    if (got == 0 && in.eof()) return false;
    ++number_;
    if (in.fail() && !in.eof()) {
      throw Bad("the line is longer than " + std::to_string(max_line_) +
                " bytes, the limit for a plan line (SCOPE_MIGRATE_MAX_PLAN_LINE_BYTES raises it)");
    }
    if (in.eof()) throw Bad("the last line is not complete: the file is truncated");
    total_ += got;
    if (total_ > max_total_) {
      throw Bad("the plan file holds more than " + std::to_string(max_total_) +
                " bytes uncompressed up to here, the limit for a plan file "
                "(SCOPE_MIGRATE_MAX_PLAN_BYTES raises it)");
    }
    line.assign(buffer_.data(), got - 1);
    return true;
  }

  // Runs a check of the content against the header's mapping (plan_check.h), keeping its
  // first refusal for after the checksum: a damaged file is reported as damaged.
  template <typename Check>
  void Defer(const Check& check) {
    if (deferred_) return;
    try {
      check();
    } catch (const ToolError& e) {
      deferred_ = e;
    }
  }

  void Keep(const PlanKeyLine& key) {
    ++all_keys_;
    Defer([&] { checker_->Check(key); });
    if (!filter_.empty()) tally_.See(key.id, key.tenant ? &*key.tenant : nullptr);
    if (!filter_.Matches(key.id, key.tenant ? &*key.tenant : nullptr)) return;
    ++plan_.counts_.keys;
    plan_.counts_.change += key.status == Status::kChange;
    plan_.counts_.blocked += key.status == Status::kBlocked;
    if (key.status == Status::kChange) {
      plan_.counts_.scopes_to_add += key.add.size();
      plan_.counts_.scopes_to_remove += key.remove.size();
    }
    plan_.copy_->Append(key);
  }

  PlanFile& plan_;
  const KeyFilter& filter_;
  FilterTally tally_;
  const bool keys_;
  Sha256 hasher_;
  int number_ = 0;
  std::optional<SummaryLine> summary_;
  int summary_line_ = 0;
  std::optional<PlanChecker> checker_;  // from the header
  std::optional<ToolError> deferred_;   // the checker's first refusal
  uint64_t all_keys_ = 0;
  const size_t max_line_ = ByteLimit("SCOPE_MIGRATE_MAX_PLAN_LINE_BYTES", kDefaultMaxPlanLineBytes);
  const size_t max_total_ = ByteLimit("SCOPE_MIGRATE_MAX_PLAN_BYTES", kDefaultMaxPlanBytes);
  std::vector<char> buffer_;  // one line
  size_t total_ = 0;          // bytes read so far
};

PlanFile PlanFile::Open(const std::string& path, const KeyFilter& filter) {
  InputFile file(path);  // plain, gzip or zstd
  std::istream in(&file);
  in.exceptions(std::ios::badbit);  // a damaged compressed stream's error reaches the caller
  PlanFile plan;
  plan.path_ = path;
  plan.filter_ = filter;
  plan.copy_.emplace(path);
  Loader loader(plan, filter);
  loader.Read(in);
  loader.CheckSummary();
  return plan;
}

Summary PlanFile::Digest(const std::string& path) {
  InputFile file(path);
  std::istream in(&file);
  in.exceptions(std::ios::badbit);
  PlanFile plan;
  plan.path_ = path;
  const KeyFilter all;
  Loader loader(plan, all, /*keys=*/false);
  loader.Read(in);
  loader.CheckSummary();
  return plan.summary_;
}

PlanFile::Cursor::Cursor(const PlanFile& plan) : plan_(plan) { plan.copy_->Rewind(); }

bool PlanFile::Cursor::Next(PlanKeyLine& key) {
  return plan_.copy_->Read(key, plan_.header_.prune);
}

void PlanFile::ForEachKey(const std::function<void(const PlanKeyLine&)>& visit) const {
  Cursor cursor(*this);
  PlanKeyLine key;
  while (cursor.Next(key)) visit(key);
}

}  // namespace scope_migrate
