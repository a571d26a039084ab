// The fuzz targets (SPEC.md section 11.5, "Proof"): one entry point per parser of hostile
// input, each taking any bytes. A parser may refuse its input only with our ToolError (a
// message and an exit code for the person); the entry catches that and returns 0. Anything
// else is a finding: another exception escaping, a crash, a sanitizer report, a hang, or a
// broken invariant the entry checks (it then aborts with the reason on stderr).
//
// Each entry is linked three ways: into a libFuzzer binary (fuzz_main.cc, -DFUZZ=ON, run by
// scripts/fuzz.sh), and into fuzz_replay_tests, which feeds every file of the committed
// corpus tests/fuzz/<name>/ to its entry in the ordinary and the sanitizer builds.
#pragma once

#include <cstddef>
#include <cstdint>

namespace scope_migrate::fuzz {

using FuzzEntry = int (*)(const uint8_t* data, size_t size);

int FuzzCatalog(const uint8_t* data, size_t size);       // catalog YAML, Catalog::Load
int FuzzMapping(const uint8_t* data, size_t size);       // mapping YAML over the shipped catalog
int FuzzLayout(const uint8_t* data, size_t size);        // layout YAML, Layout::Load
int FuzzFixtures(const uint8_t* data, size_t size);      // fixtures YAML, LoadFixtures
int FuzzPlanLine(const uint8_t* data, size_t size);      // a plan header, key or summary line
int FuzzPlanFile(const uint8_t* data, size_t size);      // a whole plan file, PlanFile::Open
int FuzzColumnFormat(const uint8_t* data, size_t size);  // array, JSON, delimited values
int FuzzTimes(const uint8_t* data, size_t size);         // durations, RFC 3339, epoch seconds
int FuzzConninfo(const uint8_t* data, size_t size);      // RedactConninfo
int FuzzTextEscape(const uint8_t* data, size_t size);    // the escapers of base/text_escape
int FuzzTargets(const uint8_t* data, size_t size);       // a fleet's targets file, LoadTargets
int FuzzFleetIndex(const uint8_t* data, size_t size);    // a fleet's index.json, ReadFleetIndex
int FuzzEndpoints(const uint8_t* data, size_t size);     // endpoints file or OpenAPI document
int FuzzUsageJsonl(const uint8_t* data, size_t size);    // a JSON Lines usage file
int FuzzUsageCsv(const uint8_t* data, size_t size);      // a CSV usage file
int FuzzOverridesYaml(const uint8_t* data, size_t size);   // overrides YAML, Overrides::Load
int FuzzOverridesJsonl(const uint8_t* data, size_t size);  // overrides JSON Lines, Overrides::Load

struct FuzzTarget {
  const char* name;  // also the corpus folder tests/fuzz/<name>/ and the binary fuzz_<name>
  FuzzEntry entry;
};

inline constexpr FuzzTarget kFuzzTargets[] = {
    {"catalog", FuzzCatalog},
    {"mapping", FuzzMapping},
    {"layout", FuzzLayout},
    {"fixtures", FuzzFixtures},
    {"plan_line", FuzzPlanLine},
    {"plan_file", FuzzPlanFile},
    {"column_format", FuzzColumnFormat},
    {"times", FuzzTimes},
    {"conninfo", FuzzConninfo},
    {"text_escape", FuzzTextEscape},
    {"fleet_targets", FuzzTargets},
    {"fleet_index", FuzzFleetIndex},
    {"endpoints", FuzzEndpoints},
    {"usage_jsonl", FuzzUsageJsonl},
    {"usage_csv", FuzzUsageCsv},
    {"overrides_yaml", FuzzOverridesYaml},
    {"overrides_jsonl", FuzzOverridesJsonl},
};

}  // namespace scope_migrate::fuzz
