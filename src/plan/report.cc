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

namespace {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::vector<ReportTable> OverrideTables(const OverrideListing& listing) {
  ReportTable keys{"Keys with an override", listing.DescribeRecord() + ".", {}, {}};
  keys.headers = {"key", "name", "tenant", "status", "add", "remove", "reason"};
  if (listing.total() == 0) keys.note += " None applies to the keys read.";
  if (listing.total() > listing.entries().size()) {
    keys.note += " " + std::to_string(listing.entries().size()) + " of " +
                 std::to_string(listing.total()) + " overrides shown (--max-keys).";
  }
  for (const OverrideListing::Entry& e : listing.entries()) {
    keys.rows.push_back({e.id, e.name.value_or(""), e.tenant.value_or(""), StatusName(e.status),
                         JoinNames(e.change.add) + (e.change.allow_write ? " (allow_write)" : ""),
                         JoinNames(e.change.remove), e.change.reason});
  }
  std::vector<ReportTable> tables = {keys};
  if (listing.privileged_grants().empty()) return tables;
  ReportTable privileged{"Privileged scopes granted by an override",
                         "Counted in the privileged grants above.",
                         {"scope", "keys"},
                         {}};
  for (const auto& [scope, count] : listing.privileged_grants()) {
    privileged.rows.push_back({scope, std::to_string(count)});
  }
  tables.push_back(privileged);
  return tables;
}

ReportFormat ReportFormatNamed(const std::string& name) {
  if (name == "jsonl") return ReportFormat::kJsonl;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "markdown") return ReportFormat::kMarkdown;
  if (name == "html") return ReportFormat::kHtml;
  return ReportFormat::kText;
}

}  // namespace scope_migrate
