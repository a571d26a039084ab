// `scope-migrate verify --mapping FILE --fixtures FILE`: checks every fixture key that has
// an `expect` against the decision, prints each mismatch (key, expected, got), and exits
// 0 when all match, 1 otherwise.
#include <iostream>

#include "base/exit_codes.h"
#include "base/text_escape.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "core/decision.h"
#include "core/fixtures.h"
#include "core/mapping.h"

namespace scope_migrate {
namespace {

std::string Join(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + values[i];
  return out + "]";
}

std::string Describe(const Decision& d) {
  const std::string status = StatusName(d.status);
  switch (d.status) {
    case Status::kBlocked:
    case Status::kSkipped:
      return status + ": " + d.reason;
    case Status::kExcluded:
      return status + " (created at or after the cutoff)";
    default:
      return "target " + Join(d.target) + " (" + status + ")";
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

struct Result {
  const FixtureKey* fixture;
  bool match;
  std::string expected, got;
};

void PrintText(const std::vector<Result>& results, const std::string& path) {
  for (const Result& r : results) {
    if (r.match) continue;
    std::cout << "MISMATCH " << path << ":" << r.fixture->line << " key " << r.fixture->key.id
              << "\n  expected: " << r.expected << "\n  got:      " << r.got << "\n";
  }
}

// JUnit XML, one test case per fixture key with an `expect`: what CI systems display.
void PrintJunit(const std::vector<Result>& results, size_t mismatches, const std::string& path) {
  const std::string file = XmlText(path);
  std::cout << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"" << results.size()
            << "\" failures=\"" << mismatches << "\">\n"
            << "  <testsuite name=\"scope-migrate verify\" tests=\"" << results.size()
            << "\" failures=\"" << mismatches << "\" errors=\"0\" skipped=\"0\">\n";
  for (const Result& r : results) {
    std::cout << "    <testcase classname=\"" << file << "\" name=\"" << XmlText(r.fixture->key.id)
              << "\" file=\"" << file << "\" line=\"" << r.fixture->line << "\"";
    if (r.match) {
      std::cout << "/>\n";
      continue;
    }
    std::cout << ">\n      <failure message=\""
              << XmlText("expected " + r.expected + ", got " + r.got)
              << "\">expected: " << XmlText(r.expected) << "\ngot:      " << XmlText(r.got)
              << "</failure>\n    </testcase>\n";
  }
  std::cout << "  </testsuite>\n</testsuites>\n";
}

// GitHub Actions annotations: one error on the fixture's line per mismatch.
void PrintGithub(const std::vector<Result>& results, const std::string& path) {
  for (const Result& r : results) {
    if (r.match) continue;
    std::cout << "::error file=" << GithubEscape(path, true) << ",line=" << r.fixture->line << "::"
              << GithubEscape(
                     "key " + r.fixture->key.id + ": expected " + r.expected + ", got " + r.got,
                     false)
              << "\n";
  }
}

}  // namespace

int RunVerifyCommand(const Options& options) {
  const Mapping mapping = Mapping::Load(*options.mapping);
  const std::vector<FixtureKey> fixtures = LoadFixtures(*options.fixtures);
  DecisionOptions decide;
  decide.cutoff = mapping.cutoff();
  std::vector<Result> results;
  size_t mismatches = 0;
  for (const FixtureKey& fixture : fixtures) {
    if (fixture.expect.kind == Expectation::Kind::kNone) continue;
    const Decision decision = Decide(fixture.key, mapping, decide);
    const bool match = Matches(fixture.expect, decision);
    mismatches += match ? 0 : 1;
    results.push_back({&fixture, match, Describe(fixture.expect), Describe(decision)});
  }
  const std::string& path = *options.fixtures;
  if (options.format_name == "junit") {
    PrintJunit(results, mismatches, path);
  } else if (options.format_name == "github") {
    PrintGithub(results, path);
  } else {
    PrintText(results, path);
  }
  if (options.format_name != "junit" && (!options.quiet || mismatches > 0)) {
    std::cout << results.size() << " keys checked, " << results.size() - mismatches << " match, "
              << mismatches << " mismatch" << (mismatches == 1 ? "" : "es") << " ("
              << fixtures.size() - results.size() << " without expect)\n";
  }
  return mismatches == 0 ? kExitOk : kExitFailure;
}

}  // namespace scope_migrate
