// Report writers: the plan streams each key's decision to one or more writers (the report
// on stdout in --format, the plan file with --out). A writer sees the header, then every
// key in id order, then the summary, and writes as it goes so memory stays flat.
// Writers are pure formatting over std::ostream and are tested in memory.
#pragma once

#include <cstddef>
#include <map>
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

// The overrides a plan applies (SPEC 12.2), as the text and Markdown reports (and the page)
// list them: the header's record of the overrides file, then each key with an override in
// id order (the first `max` kept, the rest counted), and the privileged scopes that the
// overrides grant (also counted in the summary's privileged grants, since they are added).
class OverrideListing {
 public:
  struct Entry {
    std::string id;
    std::optional<std::string> tenant, name;
    Status status = Status::kChange;
    KeyOverride change;
  };

  explicit OverrideListing(size_t max) : max_(max) {}
  void SeeHeader(const PlanHeader& header) {
    record_ = header.overrides;
    privileged_names_ = header.mapping.privileged;
  }
  void See(const PlannedKey& key);

  const std::optional<OverridesRecord>& record() const { return record_; }
  const std::vector<Entry>& entries() const { return entries_; }
  uint64_t total() const { return total_; }  // keys with an override seen
  // Privileged scope -> keys an override grants it to.
  const std::map<std::string, uint64_t>& privileged_grants() const { return privileged_; }
  // "FILE (sha256 HEX): N applied, M ignored (outside the filter)".
  std::string DescribeRecord() const;

 private:
  size_t max_;
  std::optional<OverridesRecord> record_;
  std::vector<Entry> entries_;
  uint64_t total_ = 0;
  std::map<std::string, uint64_t> privileged_;
  std::vector<std::string> privileged_names_;  // the catalog's, from the header's mapping
};

// The review page's overrides section (ReportExtras::overrides) from a listing that saw a
// plan with overrides: the keys with an override (key, name, tenant, status, add, remove,
// reason; the first --max-keys, the rest counted in the note, which also names the file),
// then, when an override grants a privileged scope, those scopes with their key counts.
std::vector<ReportTable> OverrideTables(const OverrideListing& listing);

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
