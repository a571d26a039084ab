#include "plan/planner.h"

#include <ostream>
#include <utility>

#include "base/version.h"
#include "plan/override_pass.h"

namespace scope_migrate {
namespace {

// Swallows what is written: the plan written only for its checksum.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return traits_type::not_eof(c); }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

class PlanningVisitor : public KeyVisitor {
 public:
  PlanningVisitor(const Mapping& mapping, const PlanParams& params, PlanHeader header,
                  const std::vector<ReportWriter*>& writers, Progress* progress)
      : mapping_(mapping), header_(std::move(header)), writers_(writers), progress_(progress) {
    options_.cutoff = params.cutoff;
    options_.prune = params.prune;
    overrides_ = params.overrides;
  }

  // The header goes out once the excluded count is known, before the first key.
  void Begin(uint64_t legacy_keys, uint64_t excluded) override {
    summary_.excluded_post_cutoff = excluded;
    header_.excluded_post_cutoff = excluded;
    WriteHeader();
    if (progress_) progress_->Start(legacy_keys);
  }

  // Once, at Begin or (for a source that never began) before the summary.
  void WriteHeader() {
    if (header_written_) return;
    header_written_ = true;
    for (ReportWriter* writer : writers_) writer->WriteHeader(header_);
  }

  void Visit(const KeyRecord& key) override {
    WriteHeader();
    const Override* o = overrides_ ? overrides_->Find(key.id) : nullptr;
    OverrideRefusal refusal;
    const Decision decision = Decide(key, mapping_, options_, o ? &o->change : nullptr, &refusal);
    // The first pass accepted it: the key changed since.
    if (refusal) throw overrides_->Error(*o, o->at, refusal.message + " (the key changed during the plan)");
    summary_.Add(decision, mapping_.catalog());
    if (decision.status == Status::kExcluded) return;
    const PlannedKey planned{key, decision};
    for (ReportWriter* writer : writers_) writer->WriteKey(planned);
    if (progress_) progress_->Update(summary_.keys_read);
  }

  const Summary& summary() const { return summary_; }

 private:
  const Mapping& mapping_;
  PlanHeader header_;
  bool header_written_ = false;
  const std::vector<ReportWriter*>& writers_;
  Progress* progress_;
  DecisionOptions options_;
  const Overrides* overrides_ = nullptr;
  Summary summary_;
};

}  // namespace

PlanHeader MakePlanHeader(const Mapping& mapping, const PlanParams& params,
                          const KeySource& source) {
  PlanHeader header;
  header.tool_version = ToolVersion();
  header.tool_commit = ToolCommit();
  header.mapping_sha256 = mapping.sha256();
  header.catalog_sha256 = mapping.catalog().sha256();
  header.cutoff = params.cutoff;
  if (params.cutoff != mapping.cutoff()) header.mapping_cutoff = mapping.cutoff();
  header.prune = params.prune;
  header.source = source.Describe();
  header.identity = source.Identity();
  header.filter = params.filter;
  header.mapping = MakeRoleMatrix(mapping);
  return header;
}

Summary RunPlan(KeySource& source, const Mapping& mapping, const PlanParams& params,
                const std::vector<ReportWriter*>& reports, Progress* progress, PlanWriter* plan) {
  // Without a plan file the plan is still written, to nowhere, for its checksum.
  NullBuffer nowhere;
  std::ostream discard(&nowhere);
  std::unique_ptr<PlanWriter> hash_only;
  if (plan == nullptr) {
    hash_only = MakeJsonlWriter(discard);
    plan = hash_only.get();
  }
  std::vector<ReportWriter*> writers = {plan};
  writers.insert(writers.end(), reports.begin(), reports.end());
  PlanHeader header = MakePlanHeader(mapping, params, source);
  if (params.overrides != nullptr) {
    OverridePass pass =
        RunOverridePass(source, mapping, *params.overrides, params.cutoff, params.prune,
                        params.filter, /*missing_is_error=*/params.overrides_found == nullptr);
    header.overrides = pass.record;
    if (params.overrides_found != nullptr) {
      params.overrides_found->insert(pass.found.begin(), pass.found.end());
    }
  }
  PlanningVisitor visitor(mapping, params, std::move(header), writers, progress);
  source.Read(params.cutoff, params.filter, visitor);
  visitor.WriteHeader();
  if (progress) progress->Finish();
  Summary summary = visitor.summary();
  plan->WriteSummary(summary);
  summary.plan_sha256 = plan->sha256();
  for (ReportWriter* report : reports) report->WriteSummary(summary);
  return summary;
}

}  // namespace scope_migrate
