#include "plan/report.h"

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

ReportFormat ReportFormatNamed(const std::string& name) {
  if (name == "jsonl") return ReportFormat::kJsonl;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "markdown") return ReportFormat::kMarkdown;
  if (name == "html") return ReportFormat::kHtml;
  return ReportFormat::kText;
}

}  // namespace scope_migrate
