#include "plan/report.h"

#include <algorithm>

#include "plan/plan_writer.h"

namespace scope_migrate {

std::unique_ptr<ReportWriter> MakeWriter(ReportFormat format, std::ostream& out,
                                         const ReportOptions& options) {
  switch (format) {
    case ReportFormat::kJsonl:
      return MakeJsonlWriter(out);
    case ReportFormat::kCsv:
      return MakeCsvWriter(out);
    case ReportFormat::kMarkdown:
      return MakeMarkdownWriter(out, options);
    case ReportFormat::kHtml:
      return MakeHtmlWriter(out, options);
    case ReportFormat::kText:
      break;
  }
  return MakeTextWriter(out, options);
}

std::string DescribeApprovalList(const std::vector<std::string>& approvals) {
  if (approvals.empty()) return "none: not approved";
  std::string out;
  for (const std::string& a : approvals) out += (out.empty() ? "" : ", ") + a;
  return out;
}

void OverrideListing::See(const PlannedKey& key) {
  const Decision& d = key.decision;
  if (!d.override) return;
  ++total_;
  for (const auto& scope : d.override->add) {
    if (std::binary_search(privileged_names_.begin(), privileged_names_.end(), scope) &&
        std::binary_search(d.add.begin(), d.add.end(), scope)) {
      ++privileged_[scope];
    }
  }
  if (entries_.size() >= max_) return;
  entries_.push_back({key.key.id, key.key.tenant, key.key.name, d.status, *d.override});
}

std::string OverrideListing::DescribeRecord() const {
  if (!record_) return "none";
  return record_->file + " (sha256 " + record_->sha256 + "): " + std::to_string(record_->applied) +
         " applied, " + std::to_string(record_->ignored) + " ignored (keys outside the filter)";
}

ReportFormat ReportFormatNamed(const std::string& name) {
  if (name == "jsonl") return ReportFormat::kJsonl;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "markdown") return ReportFormat::kMarkdown;
  if (name == "html") return ReportFormat::kHtml;
  return ReportFormat::kText;
}

}  // namespace scope_migrate
