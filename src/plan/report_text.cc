#include <algorithm>
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
  TextWriter(std::ostream& out, const ReportOptions& options)
      : out_(out), options_(options), overrides_(options.max_keys) {}

  void WriteHeader(const PlanHeader& h) override {
    filter_ = h.filter.Describe();
    prune_ = h.prune;
    overrides_.SeeHeader(h);
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
    if (h.overrides) out_ << "  overrides " << Printable(overrides_.DescribeRecord()) << "\n";
    if (options_.approvals) {
      out_ << "  approved " << Printable(DescribeApprovalList(*options_.approvals)) << "\n";
    }
    out_ << "\n";
  }

  void WriteKey(const PlannedKey& k) override {
    const Decision& d = k.decision;
    overrides_.See(k);
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
      if (d.override) out_ << "    override: " << Printable(d.override->reason) << "\n";
      return;
    }
    out_ << line << "\n";
    const auto by_override = [&d](const std::vector<std::string> KeyOverride::*list,
                                  const std::string& scope) {
      if (!d.override) return "";
      const auto& scopes = (*d.override).*list;
      return std::binary_search(scopes.begin(), scopes.end(), scope) ? " (override)" : "";
    };
    for (const auto& scope : d.add) out_ << "    + " << scope << by_override(&KeyOverride::add, scope) << "\n";
    for (const auto& scope : d.remove) {
      out_ << "    - " << scope << by_override(&KeyOverride::remove, scope) << "\n";
    }
    if (!prune_) {
      for (const auto& scope : d.extra) {
        if (!std::binary_search(d.remove.begin(), d.remove.end(), scope)) {
          out_ << "    = " << scope << " (not in target, kept)\n";
        }
      }
    }
    if (d.override) out_ << "    override: " << Printable(d.override->reason) << "\n";
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
    WriteOverrides();
    out_ << "\nplan sha256 " << s.plan_sha256 << "\n";
    out_.flush();
  }

 private:
  // Each key with an override: what it adds and removes and why; then the privileged scopes
  // the overrides grant (already counted above).
  void WriteOverrides() {
    if (!overrides_.record()) return;
    out_ << "\nOverrides: " << Printable(overrides_.DescribeRecord()) << "\n";
    if (overrides_.total() == 0) out_ << "  (none applies to the keys read)\n";
    for (const OverrideListing::Entry& e : overrides_.entries()) {
      out_ << "  " << Pad(Printable(e.id), 38) << " " << Pad(StatusName(e.status), 9);
      for (const auto& scope : e.change.add) out_ << " +" << scope;
      for (const auto& scope : e.change.remove) out_ << " -" << scope;
      out_ << (e.change.allow_write ? "  (allow_write)" : "") << "\n    reason: "
           << Printable(e.change.reason) << "\n";
    }
    if (overrides_.total() > overrides_.entries().size()) {
      out_ << "  ... " << overrides_.total() - overrides_.entries().size()
           << " more overrides not shown (--max-keys " << options_.max_keys << ")\n";
    }
    for (const auto& [scope, keys] : overrides_.privileged_grants()) {
      out_ << "  privileged by override: " << scope << " to " << keys
           << (keys == 1 ? " key" : " keys") << "\n";
    }
  }

  std::ostream& out_;
  ReportOptions options_;
  OverrideListing overrides_;
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
