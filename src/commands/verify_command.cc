// `scope-migrate verify --mapping FILE --fixtures FILE [--format text|junit|github]`: checks
// every fixture key that has an `expect` against the decision, prints each mismatch (key, the
// missing and extra scopes, or expected and got), and exits 0 when all match, 1 otherwise.
// A mapping or fixture file that does not load is still reported in the CI format (a failed
// JUnit test case, or an annotation at FILE:LINE:COL) before the usual exit 65. With
// --overrides FILE each fixture key is decided with its override (SPEC 12.2), so `expect`
// states the scopes after the override; an override refused by its key's rules, or whose key
// is not a legacy fixture key, is such a load error.
#include <algorithm>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <utility>

#include "base/errors.h"
#include "base/exit_codes.h"
#include "base/text_escape.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "core/decision.h"
#include "core/fixtures.h"
#include "core/mapping.h"
#include "core/overrides.h"
#include "plan/override_pass.h"

namespace scope_migrate {
namespace {

// a - b, both sorted.
std::vector<std::string> Difference(const std::vector<std::string>& a,
                                    const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

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

// One checked key: on a mismatch, labelled lines ("missing", "extra" when both sides are
// targets, else "expected" and "got").
struct Result {
  const FixtureKey* fixture;
  bool match;
  std::vector<std::pair<std::string, std::string>> lines;
};

bool IsTarget(const Decision& d) {
  return d.status == Status::kChange || d.status == Status::kUnchanged ||
         d.status == Status::kDrift;
}

// A target against a target: the scopes missing from the decision and the extra ones, not
// two full lists.
Result Check(const FixtureKey& fixture, const Decision& d) {
  Result r{&fixture, Matches(fixture.expect, d), {}};
  if (r.match) return r;
  if (fixture.expect.kind == Expectation::Kind::kTarget && IsTarget(d)) {
    const auto missing = Difference(fixture.expect.target, d.target);
    const auto extra = Difference(d.target, fixture.expect.target);
    if (!missing.empty()) r.lines.emplace_back("missing", Join(missing));
    if (!extra.empty()) r.lines.emplace_back("extra", Join(extra));
    return r;
  }
  r.lines.emplace_back("expected", Describe(fixture.expect));
  r.lines.emplace_back("got", Describe(d));
  return r;
}

// "missing [a], extra [b]" on one line, for an annotation or a JUnit message.
std::string OneLine(const Result& r) {
  std::string out;
  for (const auto& [label, value] : r.lines) out += (out.empty() ? "" : ", ") + label + " " + value;
  return out;
}

// "ID" or "ID (NAME)": what a JUnit test case and a mismatch are called.
std::string KeyTitle(const KeyRecord& key) {
  return key.name ? key.id + " (" + *key.name + ")" : key.id;
}

void PrintText(const std::vector<Result>& results, const std::string& path) {
  for (const Result& r : results) {
    if (r.match) continue;
    std::cout << "MISMATCH " << path << ":" << r.fixture->line << " key "
              << Printable(r.fixture->key.id) << "\n";
    for (const auto& [label, value] : r.lines) {
      std::cout << "  " << label << ":" << std::string(9 - label.size(), ' ') << value << "\n";
    }
  }
}

void PrintJunitHead(size_t tests, size_t failures) {
  std::cout << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"" << tests
            << "\" failures=\"" << failures << "\">\n"
            << "  <testsuite name=\"scope-migrate verify\" tests=\"" << tests << "\" failures=\""
            << failures << "\" errors=\"0\" skipped=\"0\">\n";
}

// JUnit XML, one test case per fixture key with an `expect`: what CI systems display.
void PrintJunit(const std::vector<Result>& results, size_t mismatches, const std::string& path) {
  const std::string file = XmlText(path);
  PrintJunitHead(results.size(), mismatches);
  for (const Result& r : results) {
    std::cout << "    <testcase classname=\"" << file << "\" name=\""
              << XmlText(KeyTitle(r.fixture->key)) << "\" file=\"" << file << "\" line=\""
              << r.fixture->line << "\"";
    if (r.match) {
      std::cout << "/>\n";
      continue;
    }
    std::cout << ">\n      <failure message=\"" << XmlText(OneLine(r)) << "\">";
    for (size_t i = 0; i < r.lines.size(); ++i) {
      std::cout << (i ? "\n" : "") << r.lines[i].first << ": " << XmlText(r.lines[i].second);
    }
    std::cout << "</failure>\n    </testcase>\n";
  }
  std::cout << "  </testsuite>\n</testsuites>\n";
}

// GitHub Actions annotations: one error on the fixture's line per mismatch.
void PrintGithub(const std::vector<Result>& results, const std::string& path) {
  for (const Result& r : results) {
    if (r.match) continue;
    std::cout << "::error file=" << GithubEscape(path, true) << ",line=" << r.fixture->line
              << "::" << GithubEscape("key " + KeyTitle(r.fixture->key) + ": " + OneLine(r), false)
              << "\n";
  }
}

// An input file that does not load, for CI: one failed JUnit test case named after the file,
// or one annotation at its FILE:LINE:COL. The caller then rethrows (exit 65, stderr as usual).
void PrintLoadError(const std::string& format, const ToolError& e) {
  const ErrorPlace& p = e.place();
  const std::string file = p.file.empty() ? "scope-migrate" : p.file;
  const std::string reason = p.file.empty() ? e.what() : p.reason;
  if (format == "junit") {
    PrintJunitHead(1, 1);
    std::cout << "    <testcase classname=\"" << XmlText(file) << "\" name=\""
              << XmlText("load " + file) << "\" file=\"" << XmlText(file) << "\" line=\""
              << std::max(p.line, 1) << "\">\n      <failure message=\"" << XmlText(reason) << "\">"
              << XmlText(e.what()) << "</failure>\n    </testcase>\n"
              << "  </testsuite>\n</testsuites>\n";
  } else if (format == "github") {
    std::cout << GithubErrorAnnotation(e) << "\n";
  }
  std::cout.flush();
}

// The decision of every fixture key with its override (SPEC 12.2), if any; an override that
// may not apply, or whose key is not a legacy fixture key, is an input error at its place.
std::vector<Decision> DecideAll(const std::vector<FixtureKey>& fixtures, const Mapping& mapping,
                                const Overrides* overrides, const std::string& fixtures_path) {
  DecisionOptions decide;
  decide.cutoff = mapping.cutoff();
  std::vector<Decision> decisions;
  std::set<std::string> found;
  for (const FixtureKey& fixture : fixtures) {
    const Override* o = overrides ? overrides->Find(fixture.key.id) : nullptr;
    OverrideRefusal refusal;
    decisions.push_back(Decide(fixture.key, mapping, decide, o ? &o->change : nullptr, &refusal));
    if (o == nullptr) continue;
    if (decisions.back().status == Status::kExcluded) continue;  // not legacy: unfound below
    found.insert(o->key);
    if (refusal) throw overrides->Error(*o, OverridePlace(*o, refusal), refusal.message);
  }
  if (overrides) RefuseUnfound(*overrides, found, "the fixture file " + fixtures_path);
  return decisions;
}

}  // namespace

int RunVerifyCommand(const Options& options) {
  std::optional<Mapping> mapping;
  std::vector<FixtureKey> fixtures;
  std::optional<Overrides> overrides;
  std::vector<Decision> decisions;
  try {
    mapping.emplace(Mapping::Load(*options.mapping));
    fixtures = LoadFixtures(*options.fixtures);
    overrides = LoadOverrides(options, *mapping);
    decisions = DecideAll(fixtures, *mapping, overrides ? &*overrides : nullptr, *options.fixtures);
  } catch (const ToolError& e) {
    PrintLoadError(options.format_name, e);
    throw;
  }
  std::vector<Result> results;
  size_t mismatches = 0;
  for (size_t i = 0; i < fixtures.size(); ++i) {
    const FixtureKey& fixture = fixtures[i];
    if (fixture.expect.kind == Expectation::Kind::kNone) continue;
    results.push_back(Check(fixture, decisions[i]));
    mismatches += results.back().match ? 0 : 1;
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
