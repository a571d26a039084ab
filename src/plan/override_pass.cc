#include "plan/override_pass.h"

#include "core/decision.h"

namespace scope_migrate {
namespace {

// Tries each override on its key as the source visits it.
class OverrideVisitor : public KeyVisitor {
 public:
  OverrideVisitor(const Mapping& mapping, const Overrides& overrides, const DecisionOptions& options,
                  const KeyFilter& filter, OverridePass& out)
      : mapping_(mapping), overrides_(overrides), options_(options), filter_(filter), out_(out) {}

  void Begin(uint64_t, uint64_t) override {}

  void Visit(const KeyRecord& key) override {
    const Override* o = overrides_.Find(key.id);
    if (o == nullptr) return;  // a look-up by text id can match a spelling of another
    out_.found.insert(key.id);
    if (!filter_.Matches(key.id, key.tenant ? &*key.tenant : nullptr)) {
      ++out_.record.ignored;
      return;
    }
    OverrideRefusal refusal;
    Decide(key, mapping_, options_, &o->change, &refusal);
    if (refusal) throw overrides_.Error(*o, OverridePlace(*o, refusal), refusal.message);
    ++out_.record.applied;
  }

 private:
  const Mapping& mapping_;
  const Overrides& overrides_;
  const DecisionOptions& options_;
  const KeyFilter& filter_;
  OverridePass& out_;
};

}  // namespace

OverridePass RunOverridePass(KeySource& source, const Mapping& mapping, const Overrides& overrides,
                             Instant cutoff, bool prune, const KeyFilter& filter,
                             bool missing_is_error) {
  OverridePass out;
  out.record.file = overrides.path();
  out.record.sha256 = overrides.sha256();
  if (overrides.list().empty()) return out;
  DecisionOptions options;
  options.cutoff = cutoff;
  options.prune = prune;
  KeyFilter lookup;
  lookup.ids = overrides.KeyIds();
  lookup.refuse_unmatched = false;
  OverrideVisitor visitor(mapping, overrides, options, filter, out);
  source.Read(cutoff, lookup, visitor);
  if (missing_is_error) RefuseUnfound(overrides, out.found, source.Describe());
  return out;
}

void RefuseUnfound(const Overrides& overrides, const std::set<std::string>& found,
                   const std::string& where) {
  for (const Override& o : overrides.list()) {
    if (found.count(o.key) == 0) {
      throw overrides.Error(o, o.at,
                            "the key is not a legacy key of " + where +
                                " (no such key, or created at or after the cutoff)");
    }
  }
}

}  // namespace scope_migrate
