// Report writers: the plan streams each key's decision to one or more writers (the report
// on stdout in --format, the plan file with --out). A writer sees the header, then every
// key in id order, then the summary, and writes as it goes so memory stays flat.
// Writers are pure formatting over std::ostream and are tested in memory.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/summary.h"
#include "plan/plan_format.h"
#include "plan/planned_key.h"
#include "plan/report_html.h"

namespace scope_migrate {

class ReportWriter {
 public:
  virtual ~ReportWriter() = default;
  virtual void WriteHeader(const PlanHeader& header) = 0;
  virtual void WriteKey(const PlannedKey& key) = 0;
  virtual void WriteSummary(const Summary& summary) = 0;
};

enum class ReportFormat { kText, kJsonl, kCsv, kMarkdown, kHtml };

struct ReportOptions {
  ReportOptions() = default;
  explicit ReportOptions(size_t max) : max_keys(max) {}

  size_t max_keys = 1000;  // text: per-key lines shown; markdown: blocked keys listed
  // The plan's live approvals, each "role at TIME" (`show --db`), for the text and Markdown
  // headers; empty: "not approved"; absent: not looked up, and not mentioned.
  std::optional<std::vector<std::string>> approvals;
  // What the plan carries beyond its keys, for the HTML page (report_html.h).
  ReportExtras extras;
};

// "alice at T, bob at T", or "none: not approved".
std::string DescribeApprovalList(const std::vector<std::string>& approvals);

// The other writers (the JSON Lines one, which writes the plan file, is in plan_writer.h).
std::unique_ptr<ReportWriter> MakeCsvWriter(std::ostream& out);
std::unique_ptr<ReportWriter> MakeTextWriter(std::ostream& out, const ReportOptions& options);
std::unique_ptr<ReportWriter> MakeMarkdownWriter(std::ostream& out, const ReportOptions& options);
// The review page (report_html.h): one self-contained HTML file.
std::unique_ptr<ReportWriter> MakeHtmlWriter(std::ostream& out, const ReportOptions& options);
std::unique_ptr<ReportWriter> MakeWriter(ReportFormat format, std::ostream& out,
                                         const ReportOptions& options);

// "text", "jsonl", "csv", "markdown" or "html"; text for anything else.
ReportFormat ReportFormatNamed(const std::string& name);

}  // namespace scope_migrate
