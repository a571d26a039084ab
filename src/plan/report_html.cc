#include "plan/report_html.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include "base/atomic_file.h"
#include "base/errors.h"
#include "base/exit_codes.h"
#include "core/mapping.h"
#include "plan/report.h"
#include "plan/report_html_sections.h"

namespace scope_migrate {
namespace {

// Names seen in the keys, each given an index the key rows point at.
class Interner {
 public:
  int Id(const std::string& name) {
    auto [it, added] = index_.try_emplace(name, static_cast<int>(names_.size()));
    if (added) names_.push_back(name);
    return it->second;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::unordered_map<std::string, int> index_;
  std::vector<std::string> names_;
};

void AppendIndexes(std::string& out, Interner& names, const std::vector<std::string>& values) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    out += std::to_string(names.Id(values[i]));
  }
  out.push_back(']');
}

void AppendNames(std::string& out, const std::vector<std::string>& names) {
  out.push_back('[');
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out.push_back(',');
    AppendScriptJsonString(out, names[i]);
  }
  out.push_back(']');
}

bool IsWriteScope(const std::string& scope) {
  static const std::string kEnding = "-write";
  return scope.size() > kEnding.size() &&
         scope.compare(scope.size() - kEnding.size(), kEnding.size(), kEnding) == 0;
}

// The page: the head at the header; each key as one row of the #sm-keys data block as it
// streams past, spooled to an unlinked temporary file (memory stays bounded by the distinct
// names and the capped lists); at the summary the visible sections, then the rows, the
// names they point at and the script.
class HtmlWriter : public ReportWriter {
 public:
  HtmlWriter(std::ostream& out, const ReportOptions& options)
      : out_(out), options_(options), overrides_(options.max_keys) {}

  void WriteHeader(const PlanHeader& header) override {
    page_.header = header;
    overrides_.SeeHeader(header);
    for (const auto& scope : header.mapping.scopes) scopes_.Id(scope);
    for (size_t r = 0; r < header.mapping.roles.size(); ++r) {
      const auto& role = header.mapping.roles[r];
      role_of_.emplace(NormalizeRoleName(role.name), r);
      for (const auto& alias : role.aliases) role_of_.emplace(NormalizeRoleName(alias), r);
    }
    page_.heat.assign(header.mapping.roles.size(), {});
    WriteHead(out_, header);
    spool_.reset(UnlinkedTempFile("the review page's key rows"));
  }

  void WriteKey(const PlannedKey& k) override {
    const Decision& d = k.decision;
    const int tenant = k.key.tenant ? tenants_.Id(*k.key.tenant) : -1;
    if (tenant < 0) page_.keyless_tenant = true;
    WriteKeyRow(k, tenant);
    overrides_.See(k);
    TenantRow& row = TenantOf(tenant, k.key.tenant);
    ++row.keys;
    ++row.by_status[static_cast<int>(d.status)];
    Listed listed{k.key.id, k.key.name.value_or(""), k.key.tenant.value_or(""), ""};
    CountGrants(k, tenant, row, listed);
    CountHeat(k);
    if (d.status == Status::kBlocked) {
      ++page_.blocked_reasons[d.reason];
      if (page_.blocked.size() < options_.max_keys) {
        page_.blocked.push_back(listed);
        page_.blocked.back().detail = d.reason;
      }
    }
    if (d.status == Status::kDrift && page_.drift.size() < options_.max_keys) {
      page_.drift.push_back(listed);
      page_.drift.back().detail = JoinScopes(d.extra);
    }
  }

  void WriteSummary(const Summary& s) override {
    page_.summary = s;
    page_.approvals = options_.approvals;
    page_.extras = options_.extras;
    // The plan's own overrides (SPEC 12.2), unless the caller handed the section over.
    if (!page_.extras.overrides && overrides_.record()) {
      page_.extras.overrides = OverrideTables(overrides_);
    }
    for (auto& [index, row] : tenant_rows_) page_.tenants.push_back(row);
    page_.tenant_names = tenants_.names();
    WriteSections(out_, page_);
    CopySpooledRows();
    WriteDictionary();
    out_ << "<script>" << PageScript() << "</script>\n</body>\n</html>\n";
    out_.flush();
  }

 private:
  static constexpr size_t kGrantKeysShown = 200;
  static constexpr size_t kScopeKeysShown = 5;
  static constexpr size_t kNoRole = static_cast<size_t>(-1);

  static std::string JoinScopes(const std::vector<std::string>& scopes) {
    std::string out;
    for (const auto& scope : scopes) out += (out.empty() ? "" : ", ") + scope;
    return out;
  }

  TenantRow& TenantOf(int index, const std::optional<std::string>& tenant) {
    auto [it, added] = tenant_rows_.try_emplace(index);
    if (added) {
      it->second.index = index;
      it->second.name = tenant.value_or("");
    }
    return it->second;
  }

  void WriteKeyRow(const PlannedKey& k, int tenant) {
    const Decision& d = k.decision;
    line_.clear();
    if (page_.keys_written++) line_.push_back(',');
    line_ += "[";
    AppendScriptJsonString(line_, k.key.id);
    line_ += "," + std::to_string(tenant) + ",";
    AppendScriptJsonString(line_, k.key.name.value_or(""));
    line_ += "," + std::to_string(static_cast<int>(d.status)) + ",";
    AppendIndexes(line_, roles_, k.key.roles);
    line_.push_back(',');
    AppendIndexes(line_, scopes_, d.current);
    line_.push_back(',');
    AppendIndexes(line_, scopes_, d.add);
    line_.push_back(',');
    AppendIndexes(line_, scopes_, d.extra);
    if (!d.reason.empty()) line_ += "," + std::to_string(reasons_.Id(d.reason));
    line_ += "]\n";
    if (std::fwrite(line_.data(), 1, line_.size(), spool_.get()) != line_.size()) {
      throw ToolError(kExitFailure, "cannot write the review page's key rows to a temporary file in " +
                                      TemporaryDirectory());
    }
  }

  // The key rows, spooled while the keys streamed past, as the #sm-keys data block: after
  // the visible sections, so the browser draws those before it reads the rows.
  void CopySpooledRows() {
    out_ << "<script type=\"application/json\" id=\"sm-keys\">[";
    std::rewind(spool_.get());
    std::vector<char> buffer(1 << 16);
    for (size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), spool_.get())) > 0;) {
      out_.write(buffer.data(), static_cast<std::streamsize>(n));
    }
    if (std::ferror(spool_.get())) {
      throw ToolError(kExitFailure, "cannot read back the review page's key rows");
    }
    out_ << "]</script>\n";
  }

  // Which privileged and write scopes the key gains: per scope its first keys and its
  // tenants; the key in the list of keys gaining one; its tenant's counts.
  void CountGrants(const PlannedKey& k, int tenant, TenantRow& row, const Listed& listed) {
    bool privileged = false, write = false;
    std::string gained;
    for (const auto& scope : k.decision.add) {
      const bool is_privileged = IsPrivileged(scope), is_write = IsWriteScope(scope);
      if (!is_privileged && !is_write) continue;
      privileged |= is_privileged;
      write |= is_write;
      gained += (gained.empty() ? "" : ", ") + scope + (is_privileged ? " (privileged)" : "");
      GrantRow& grant = page_.grants[scope];
      grant.privileged = is_privileged;
      ++grant.keys;
      grant.tenants.insert(tenant);
      if (grant.first.size() < kScopeKeysShown) grant.first.push_back(listed);
    }
    if (!privileged && !write) return;
    row.privileged_keys += privileged;
    row.write_keys += write;
    ++page_.gaining_keys;
    page_.privileged_keys += privileged;
    page_.write_keys += write;
    // Keys gaining a privileged scope are listed before those gaining only write scopes.
    auto& list = privileged ? page_.gaining : page_.gaining_write_only;
    if (list.size() < kGrantKeysShown) {
      list.push_back(listed);
      list.back().detail = gained;
    }
  }

  // The heat map counts, per role of the mapping, the keys holding it that gain each scope
  // the role grants.
  void CountHeat(const PlannedKey& k) {
    std::set<size_t> held;
    for (const auto& raw : k.key.roles) {
      auto [cached, added] = role_of_raw_.try_emplace(raw, kNoRole);
      if (added) {
        auto it = role_of_.find(NormalizeRoleName(raw));
        if (it != role_of_.end()) cached->second = it->second;
      }
      if (cached->second != kNoRole) held.insert(cached->second);
    }
    for (size_t r : held) {
      const auto& granted = page_.header.mapping.roles[r].scopes;
      for (const auto& scope : k.decision.add) {
        if (std::binary_search(granted.begin(), granted.end(), scope)) ++page_.heat[r][scope];
      }
    }
  }

  bool IsPrivileged(const std::string& scope) const {
    const auto& p = page_.header.mapping.privileged;
    return std::binary_search(p.begin(), p.end(), scope);
  }

  // The names the key rows point at, and what the script needs to label them.
  void WriteDictionary() {
    std::string out = "<script type=\"application/json\" id=\"sm-dict\">{\"statuses\":[";
    for (Status status : kListedStatuses) {
      out += std::string(status == kListedStatuses[0] ? "" : ",") + "\"" + StatusName(status) +
             "\"";
    }
    out += "],\"scopes\":";
    AppendNames(out, scopes_.names());
    std::string privileged, write;
    for (size_t i = 0; i < scopes_.names().size(); ++i) {
      const std::string index = std::to_string(i);
      if (IsPrivileged(scopes_.names()[i])) privileged += (privileged.empty() ? "" : ",") + index;
      if (IsWriteScope(scopes_.names()[i])) write += (write.empty() ? "" : ",") + index;
    }
    out += ",\"privileged\":[" + privileged + "],\"write\":[" + write + "],\"tenants\":";
    AppendNames(out, tenants_.names());
    out += ",\"roles\":";
    AppendNames(out, roles_.names());
    out += ",\"reasons\":";
    AppendNames(out, reasons_.names());
    out += std::string(",\"prune\":") + (page_.header.prune ? "true" : "false") +
           ",\"keyless_tenant\":" + (page_.keyless_tenant ? "true" : "false") + "}</script>\n";
    out_ << out;
  }

  std::ostream& out_;
  ReportOptions options_;
  OverrideListing overrides_;
  PageData page_;
  Interner scopes_, tenants_, roles_, reasons_;
  std::unordered_map<std::string, size_t> role_of_;  // normalised name or alias -> role
  std::unordered_map<std::string, size_t> role_of_raw_;  // as stored -> role, or kNoRole
  std::map<int, TenantRow> tenant_rows_;              // by tenant index; -1: no tenant
  std::string line_;
  struct CloseFile {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, CloseFile> spool_;  // the key rows, until the summary
};

}  // namespace

std::unique_ptr<ReportWriter> MakeHtmlWriter(std::ostream& out, const ReportOptions& options) {
  return std::make_unique<HtmlWriter>(out, options);
}

}  // namespace scope_migrate
