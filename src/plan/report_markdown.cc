#include <vector>

#include "base/text_escape.h"
#include "plan/report.h"

namespace scope_migrate {
namespace {

// A sign-off summary for a change ticket or pull-request comment: the run's parameters,
// counts by status, role and scope, privileged grants and the blocked keys (capped).
class MarkdownWriter : public ReportWriter {
 public:
  MarkdownWriter(std::ostream& out, const ReportOptions& options) : out_(out), options_(options) {}

  void WriteHeader(const PlanHeader& h) override {
    filter_ = h.filter.Describe();
    matrix_ = h.mapping;
    out_ << "## scope-migrate plan\n\n"
         << "| parameter | value |\n|---|---|\n"
         << "| source | `" << MarkdownCell(h.source) << "` |\n"
         << "| cutoff | `" << FormatUtc(h.cutoff) << "`"
         << (h.mapping_cutoff ? " **overridden by `--cutoff`**; the mapping's cutoff is `" +
                                    FormatUtc(*h.mapping_cutoff) + "`"
                              : "")
         << " |\n"
         << "| mapping sha256 | `" << h.mapping_sha256 << "` |\n"
         << "| catalog sha256 | `" << h.catalog_sha256 << "` |\n"
         << "| prune | " << (h.prune ? "yes" : "no") << " |\n"
         << "| keys | "
         << (filter_.empty() ? "all" : "**partial run**: `" + MarkdownCell(filter_) + "`") << " |\n"
         << "| tool version | " << h.tool_version << " |\n";
    if (options_.approvals) {
      out_ << "| approvals | " << MarkdownCell(DescribeApprovalList(*options_.approvals)) << " |\n";
    }
    out_ << "\n";
  }

  void WriteKey(const PlannedKey& k) override {
    if (k.decision.status != Status::kBlocked) return;
    if (blocked_.size() < options_.max_keys) {
      blocked_.push_back({k.key.id, k.key.name.value_or(""), k.decision.reason});
    }
  }

  void WriteSummary(const Summary& s) override {
    out_ << "### Keys by status" << (filter_.empty() ? "" : " (partial run)") << "\n\n"
         << "| status | keys |\n|---|---:|\n";
    for (Status status : kListedStatuses)
      out_ << "| " << StatusName(status) << " | " << s.Count(status) << " |\n";
    out_ << "| **keys read** | **" << s.keys_read << "** |\n"
         << "| excluded (created at or after cutoff) | " << s.excluded_post_cutoff << " |\n\n"
         << "Scopes to add: **" << s.scopes_to_add << "**, scopes to remove: **"
         << s.scopes_to_remove << "**.\n\n";

    out_ << "### Keys by role\n\n| role | keys |\n|---|---:|\n";
    for (const auto& [role, count] : s.by_role)
      out_ << "| " << MarkdownCell(role) << " | " << count << " |\n";
    out_ << "\n### Scope changes\n\n| scope | add | remove |\n|---|---:|---:|\n";
    for (const auto& [scope, c] : s.by_scope) {
      out_ << "| " << scope << " | " << c.add << " | " << c.remove << " |\n";
    }
    out_ << "\n### Privileged scopes granted\n\n";
    if (s.privileged_grants.empty()) {
      out_ << "None.\n";
    } else {
      out_ << "| scope | keys |\n|---|---:|\n";
      for (const auto& [scope, keys] : s.privileged_grants)
        out_ << "| " << scope << " | " << keys << " |\n";
    }
    out_ << "\n### Blocked keys\n\n";
    if (s.blocked == 0) {
      out_ << "None.\n";
    } else {
      out_ << "| key | name | reason |\n|---|---|---|\n";
      for (const auto& [id, name, reason] : blocked_) {
        out_ << "| `" << MarkdownCell(id) << "` | " << MarkdownCell(name) << " | "
             << MarkdownCell(reason) << " |\n";
      }
      if (s.blocked > blocked_.size()) {
        out_ << "\n" << blocked_.size() << " of " << s.blocked << " blocked keys shown.\n";
      }
    }
    if (!matrix_.empty()) {
      out_ << "\n### Role × scope matrix (the mapping)\n\n";
      WriteRoleMatrixMarkdown(out_, matrix_);
    }
    out_ << "\nPlan sha256: `" << s.plan_sha256 << "`\n";
    out_.flush();
  }

 private:
  std::ostream& out_;
  ReportOptions options_;
  std::string filter_;
  struct Blocked {
    std::string id, name, reason;
  };
  std::vector<Blocked> blocked_;
  RoleMatrix matrix_;
};

}  // namespace

std::unique_ptr<ReportWriter> MakeMarkdownWriter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<MarkdownWriter>(out, options);
}

}  // namespace scope_migrate
