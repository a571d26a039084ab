// `scope-migrate verify --mapping FILE --fixtures FILE`: checks every fixture key that has
// an `expect` against the decision, prints each mismatch (key, expected, got), and exits
// 0 when all match, 1 otherwise.
#include <iostream>

#include "decision.h"
#include "exit_codes.h"
#include "fixtures.h"
#include "mapping.h"
#include "options.h"

namespace scope_migrate {
namespace {

std::string Join(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + values[i];
  return out + "]";
}

std::string Describe(const Decision& d) {
  switch (d.status) {
    case Status::kBlocked:
      return "blocked: " + d.reason;
    case Status::kSkipped:
      return "skipped: " + d.reason;
    case Status::kExcluded:
      return "excluded (created at or after the cutoff)";
    default:
      return "target " + Join(d.target) + " (" + StatusName(d.status) + ")";
  }
}

std::string Describe(const Expectation& e) {
  switch (e.kind) {
    case Expectation::Kind::kTarget:
      return "target " + Join(e.target);
    case Expectation::Kind::kBlocked:
      return "blocked: " + e.reason_prefix + "...";
    case Expectation::Kind::kSkipped:
      return "skipped: " + e.reason_prefix + "...";
    case Expectation::Kind::kExcluded:
      return "excluded";
    case Expectation::Kind::kNone:
      break;
  }
  return "nothing";
}

bool Matches(const Expectation& e, const Decision& d) {
  auto prefix = [&d](const std::string& p) { return d.reason.compare(0, p.size(), p) == 0; };
  switch (e.kind) {
    case Expectation::Kind::kTarget:
      return (d.status == Status::kChange || d.status == Status::kUnchanged ||
              d.status == Status::kDrift) &&
             d.target == e.target;
    case Expectation::Kind::kBlocked:
      return d.status == Status::kBlocked && prefix(e.reason_prefix);
    case Expectation::Kind::kSkipped:
      return d.status == Status::kSkipped && prefix(e.reason_prefix);
    case Expectation::Kind::kExcluded:
      return d.status == Status::kExcluded;
    case Expectation::Kind::kNone:
      break;
  }
  return true;
}

}  // namespace

int RunVerifyCommand(const Options& options) {
  const Mapping mapping = Mapping::Load(*options.mapping);
  const std::vector<FixtureKey> fixtures = LoadFixtures(*options.fixtures);
  DecisionOptions decide;
  decide.cutoff = mapping.cutoff();
  size_t checked = 0, mismatches = 0;
  for (const FixtureKey& fixture : fixtures) {
    if (fixture.expect.kind == Expectation::Kind::kNone) continue;
    ++checked;
    const Decision decision = Decide(fixture.key, mapping, decide);
    if (Matches(fixture.expect, decision)) continue;
    ++mismatches;
    std::cout << "MISMATCH " << *options.fixtures << ":" << fixture.line << " key "
              << fixture.key.id << "\n  expected: " << Describe(fixture.expect)
              << "\n  got:      " << Describe(decision) << "\n";
  }
  if (!options.quiet || mismatches > 0) {
    std::cout << checked << " keys checked, " << checked - mismatches << " match, " << mismatches
              << " mismatch" << (mismatches == 1 ? "" : "es") << " (" << fixtures.size() - checked
              << " without expect)\n";
  }
  return mismatches == 0 ? kExitOk : kExitFailure;
}

}  // namespace scope_migrate
