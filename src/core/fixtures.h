// Fixture files (SPEC section 6): keys written by hand in YAML, for CI jobs that verify a
// mapping and for plans without a database. Load() rejects duplicate ids, unknown fields
// and bad timestamps with ToolError(65) at FILE:LINE:COL. Keys come back sorted by id.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/key.h"

namespace scope_migrate {

// What a fixture key expects from the decision, for `verify`.
struct Expectation {
  enum class Kind { kNone, kTarget, kBlocked, kSkipped, kExcluded };
  Kind kind = Kind::kNone;
  std::vector<std::string> target;  // kTarget: sorted, normalised scope names
  std::string reason_prefix;        // kBlocked, kSkipped
};

struct FixtureKey {
  KeyRecord key;
  Expectation expect;
  int line = 0;  // 1-based line of the key in the file
};

std::vector<FixtureKey> LoadFixtures(const std::string& path);

}  // namespace scope_migrate
