#include "core/fixture_source.h"

namespace scope_migrate {

FixtureSource::FixtureSource(std::string path)
    : path_(std::move(path)), keys_(LoadFixtures(path_)) {}

void FixtureSource::Read(Instant cutoff, const KeyFilter& filter, KeyVisitor& visitor) {
  if (!filter.empty() && filter.refuse_unmatched) {
    FilterTally tally(filter);
    for (const auto& fixture : keys_)
      tally.See(fixture.key.id, fixture.key.tenant ? &*fixture.key.tenant : nullptr);
    RefuseUnmatched(tally.Misses(), filter, "the fixture file " + path_);
  }
  uint64_t legacy = 0, excluded = 0;
  auto selected = [&](const KeyRecord& key) {
    return filter.Matches(key.id, key.tenant ? &*key.tenant : nullptr);
  };
  for (const auto& fixture : keys_) {
    if (!selected(fixture.key)) continue;
    const auto& created = fixture.key.created_at;
    (created && *created >= cutoff ? excluded : legacy) += 1;
  }
  visitor.Begin(legacy, excluded);
  for (const auto& fixture : keys_) {
    const auto& created = fixture.key.created_at;
    if (selected(fixture.key) && !(created && *created >= cutoff)) visitor.Visit(fixture.key);
  }
}

}  // namespace scope_migrate
