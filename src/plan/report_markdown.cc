#include <map>
#include <vector>

#include "base/text_escape.h"
#include "plan/report.h"

namespace scope_migrate {
namespace {

// A sign-off summary for a change ticket or pull-request comment: the run's parameters,
// counts by status, role and scope, privileged grants with the keys gaining each (at most
// kGrantKeysShown per scope), the drift keys and the blocked keys (both capped by max_keys).
class MarkdownWriter : public ReportWriter {
 public:
  MarkdownWriter(std::ostream& out, const ReportOptions& options)
      : out_(out), options_(options), overrides_(options.max_keys) {}

  void WriteHeader(const PlanHeader& h) override {
    filter_ = h.filter.Describe();
    matrix_ = h.mapping;
    overrides_.SeeHeader(h);
    out_ << "## scope-migrate plan\n\n"
         << "| parameter | value |\n|---|---|\n"
         << "| source | " << MarkdownCode(h.source) << " |\n"
         << "| cutoff | `" << FormatUtc(h.cutoff) << "`"
         << (h.mapping_cutoff ? " **overridden by `--cutoff`**; the mapping's cutoff is `" +
                                    FormatUtc(*h.mapping_cutoff) + "`"
                              : "")
         << " |\n"
         << "| mapping sha256 | " << MarkdownCode(h.mapping_sha256) << " |\n"
         << "| catalog sha256 | " << MarkdownCode(h.catalog_sha256) << " |\n"
         << "| prune | " << (h.prune ? "yes" : "no") << " |\n"
         << "| keys | " << (filter_.empty() ? "all" : "**partial run**: " + MarkdownCode(filter_))
         << " |\n"
         << "| tool version | " << MarkdownCode(h.tool_version) << " |\n";
    if (h.overrides) {
      out_ << "| overrides | " << MarkdownCode(h.overrides->file) << " (sha256 "
           << MarkdownCode(h.overrides->sha256) << "): " << h.overrides->applied << " applied, "
           << h.overrides->ignored << " ignored (outside the filter) |\n";
    }
    if (options_.approvals) {
      out_ << "| approvals | " << MarkdownCode(DescribeApprovalList(*options_.approvals)) << " |\n";
    }
    out_ << "\n";
  }

  void WriteKey(const PlannedKey& k) override {
    const Decision& d = k.decision;
    overrides_.See(k);
    // Which added scopes are privileged is known from the summary only; keeping the first
    // keys of every added scope costs at most kGrantKeysShown per catalog scope.
    for (const auto& scope : d.add) {
      auto& keys = grants_[scope];
      if (keys.size() < kGrantKeysShown) keys.push_back(Listed{k.key, ""});
    }
    if (d.status == Status::kDrift && drift_.size() < options_.max_keys) {
      drift_.push_back(Listed{k.key, Join(d.extra)});
    }
    if (d.status == Status::kBlocked && blocked_.size() < options_.max_keys) {
      blocked_.push_back(Listed{k.key, d.reason});
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
      out_ << "| " << MarkdownCode(role) << " | " << count << " |\n";
    out_ << "\n### Scope changes\n\n| scope | add | remove |\n|---|---:|---:|\n";
    for (const auto& [scope, c] : s.by_scope) {
      out_ << "| " << scope << " | " << c.add << " | " << c.remove << " |\n";
    }
    WritePrivileged(s);
    WriteOverrides();
    WriteDrift(s);
    WriteBlocked(s);
    if (!matrix_.empty()) {
      out_ << "\n### Role × scope matrix (the mapping)\n\n";
      WriteRoleMatrixMarkdown(out_, matrix_);
    }
    out_ << "\nPlan sha256: `" << s.plan_sha256 << "`\n";
    out_.flush();
  }

 private:
  static constexpr size_t kGrantKeysShown = 20;

  // A listed key: its id, name and tenant, and one more column (reason or scopes).
  struct Listed {
    Listed(const KeyRecord& key, std::string detail_text)
        : id(key.id),
          name(key.name.value_or("")),
          tenant(key.tenant.value_or("")),
          detail(std::move(detail_text)) {}
    std::string id, name, tenant, detail;
  };

  static std::string Join(const std::vector<std::string>& scopes) {
    std::string out;
    for (const auto& scope : scopes) out += (out.empty() ? "" : ", ") + scope;
    return out;
  }

  // The privileged scopes table, then per scope the keys that gain it.
  void WritePrivileged(const Summary& s) {
    out_ << "\n### Privileged scopes granted\n\n";
    if (s.privileged_grants.empty()) {
      out_ << "None.\n";
      return;
    }
    out_ << "| scope | keys |\n|---|---:|\n";
    for (const auto& [scope, keys] : s.privileged_grants)
      out_ << "| " << scope << " | " << keys << " |\n";
    for (const auto& [scope, count] : s.privileged_grants) {
      out_ << "\n#### Keys gaining " << scope << "\n\n| key | name | tenant |\n|---|---|---|\n";
      for (const Listed& k : grants_[scope]) {
        out_ << "| " << MarkdownCode(k.id) << " | " << MarkdownCode(k.name) << " | "
             << MarkdownCode(k.tenant) << " |\n";
      }
      if (count > grants_[scope].size()) {
        out_ << "\n… and " << count - grants_[scope].size() << " more.\n";
      }
    }
  }

  // Each key with an override (SPEC 12.2): what it adds and removes, and why.
  void WriteOverrides() {
    if (!overrides_.record()) return;
    out_ << "\n### Overrides\n\n";
    if (overrides_.total() == 0) {
      out_ << "None applies to the keys read.\n";
      return;
    }
    out_ << "| key | tenant | status | add | remove | reason |\n|---|---|---|---|---|---|\n";
    for (const OverrideListing::Entry& e : overrides_.entries()) {
      out_ << "| `" << MarkdownCell(e.id) << "` | " << MarkdownCode(e.tenant.value_or(""))
           << " | " << StatusName(e.status) << " | " << Join(e.change.add)
           << (e.change.allow_write ? " (allow_write)" : "") << " | " << Join(e.change.remove)
           << " | " << MarkdownCode(e.change.reason) << " |\n";
    }
    if (overrides_.total() > overrides_.entries().size()) {
      out_ << "\n" << overrides_.entries().size() << " of " << overrides_.total()
           << " overrides shown.\n";
    }
    for (const auto& [scope, keys] : overrides_.privileged_grants()) {
      out_ << "\nPrivileged by override: " << scope << " to " << keys
           << (keys == 1 ? " key" : " keys") << " (counted in the privileged grants above).\n";
    }
  }

  // Drift keys keep scopes outside their target (nothing is removed without --prune).
  void WriteDrift(const Summary& s) {
    out_ << "\n### Drift (scopes kept outside the target)\n\n";
    if (s.drift == 0) {
      out_ << "None.\n";
      return;
    }
    out_ << "| key | name | tenant | kept outside the target |\n|---|---|---|---|\n";
    for (const Listed& k : drift_) {
      out_ << "| " << MarkdownCode(k.id) << " | " << MarkdownCode(k.name) << " | "
           << MarkdownCode(k.tenant) << " | " << MarkdownCode(k.detail) << " |\n";
    }
    if (s.drift > drift_.size()) {
      out_ << "\n" << drift_.size() << " of " << s.drift << " drift keys shown.\n";
    }
  }

  void WriteBlocked(const Summary& s) {
    out_ << "\n### Blocked keys\n\n";
    if (s.blocked == 0) {
      out_ << "None.\n";
      return;
    }
    out_ << "| key | name | reason |\n|---|---|---|\n";
    for (const Listed& k : blocked_) {
      out_ << "| " << MarkdownCode(k.id) << " | " << MarkdownCode(k.name) << " | "
           << MarkdownCode(k.detail) << " |\n";
    }
    if (s.blocked > blocked_.size()) {
      out_ << "\n" << blocked_.size() << " of " << s.blocked << " blocked keys shown.\n";
    }
  }

  std::ostream& out_;
  ReportOptions options_;
  std::string filter_;
  std::map<std::string, std::vector<Listed>> grants_;  // added scope -> first keys gaining it
  std::vector<Listed> drift_;
  std::vector<Listed> blocked_;
  RoleMatrix matrix_;
  OverrideListing overrides_;
};

}  // namespace

std::unique_ptr<ReportWriter> MakeMarkdownWriter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<MarkdownWriter>(out, options);
}

}  // namespace scope_migrate
