#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "base/text_escape.h"
#include "plan/report.h"

namespace scope_migrate {
namespace {

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string Right(uint64_t n, size_t width) {
  std::string s = std::to_string(n);
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// The report a person reads in a terminal: per-key +/- lines for changes, drift and
// blocked keys with their reasons, then the complete summary. Unchanged and skipped
// keys are only counted. Per-key lines stop after max_keys; the summary never does.
class TextWriter : public ReportWriter {
 public:
  TextWriter(std::ostream& out, const ReportOptions& options) : out_(out), options_(options) {}

  void WriteHeader(const PlanHeader& h) override {
    filter_ = h.filter.Describe();
    prune_ = h.prune;
    out_ << "scope-migrate plan (dry run: nothing is written)\n"
         << "  source   " << h.source << "\n"
         << "  cutoff   " << FormatUtc(h.cutoff) << " (keys created before it are legacy)"
         << (h.mapping_cutoff ? "; OVERRIDDEN by --cutoff, the mapping's cutoff is " +
                                    FormatUtc(*h.mapping_cutoff)
                              : "")
         << "\n"
         << "  mapping  sha256 " << h.mapping_sha256 << "\n"
         << "  prune    "
         << (h.prune ? "yes: scopes outside the target are removed"
                     : "no: scopes outside the target are kept (drift)")
         << "\n"
         << "  keys     " << (filter_.empty() ? "all" : "PARTIAL RUN, only " + filter_) << "\n";
    if (options_.approvals) {
      out_ << "  approved " << Printable(DescribeApprovalList(*options_.approvals)) << "\n";
    }
    out_ << "\n";
  }

  void WriteKey(const PlannedKey& k) override {
    const Decision& d = k.decision;
    if (d.status == Status::kUnchanged || d.status == Status::kSkipped) return;
    if (shown_ >= options_.max_keys) {
      ++hidden_;
      return;
    }
    ++shown_;
    std::string line = Pad(StatusName(d.status), 9) + Printable(k.key.id);
    if (k.key.tenant) line += "  tenant " + Printable(*k.key.tenant);
    if (k.key.name) line += "  name \"" + Printable(*k.key.name) + "\"";
    if (d.status == Status::kBlocked) {
      out_ << line << "  " << Printable(d.reason) << "\n";
      return;
    }
    out_ << line << "\n";
    for (const auto& scope : d.add) out_ << "    + " << scope << "\n";
    for (const auto& scope : d.remove) out_ << "    - " << scope << "\n";
    if (!prune_) {
      for (const auto& scope : d.extra) out_ << "    = " << scope << " (not in target, kept)\n";
    }
  }

  void WriteSummary(const Summary& s) override {
    if (hidden_ > 0) {
      out_ << "... " << hidden_ << " more keys with changes, drift or blocks not shown "
           << "(--max-keys " << options_.max_keys << "; --format jsonl lists all)\n";
    }
    if (shown_ > 0) out_ << "\n";
    out_ << "Summary" << (filter_.empty() ? "" : " (PARTIAL RUN, only " + filter_ + ")") << "\n";
    std::vector<std::pair<std::string, uint64_t>> rows = {{"keys read", s.keys_read}};
    for (Status status : kListedStatuses)
      rows.emplace_back(std::string("  ") + StatusName(status), s.Count(status));
    rows.insert(rows.end(), {{"excluded (created at or after cutoff)", s.excluded_post_cutoff},
                             {"scopes to add", s.scopes_to_add},
                             {"scopes to remove", s.scopes_to_remove}});
    for (const auto& [label, count] : rows)
      out_ << "  " << Pad(label, 40) << Right(count, 9) << "\n";

    out_ << "\nKeys by role (keys that convert)\n";
    if (s.by_role.empty()) out_ << "  (none)\n";
    for (const auto& [role, count] : s.by_role)
      out_ << "  " << Pad(role, 40) << Right(count, 9) << "\n";

    out_ << "\nScope changes" << Pad("", 30) << "    add   remove\n";
    if (s.by_scope.empty()) out_ << "  (none)\n";
    for (const auto& [scope, c] : s.by_scope) {
      out_ << "  " << Pad(scope, 40) << Right(c.add, 7) << Right(c.remove, 9) << "\n";
    }

    out_ << "\nPrivileged scopes granted: ";
    if (s.privileged_grants.empty()) out_ << "none\n";
    bool first = true;
    for (const auto& [scope, keys] : s.privileged_grants) {
      out_ << (first ? "" : ", ") << scope << " to " << keys << (keys == 1 ? " key" : " keys");
      first = false;
    }
    if (!first) out_ << "\n";
    out_ << "\nplan sha256 " << s.plan_sha256 << "\n";
    out_.flush();
  }

 private:
  std::ostream& out_;
  ReportOptions options_;
  std::string filter_;
  bool prune_ = false;
  size_t shown_ = 0;
  uint64_t hidden_ = 0;
};

}  // namespace

std::unique_ptr<ReportWriter> MakeTextWriter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<TextWriter>(out, options);
}

}  // namespace scope_migrate
