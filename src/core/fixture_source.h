// A KeySource over a fixture file, for plans and CI checks without a database. It applies
// the cutoff and the filter in memory exactly as the PostgreSQL source does in SQL.
#pragma once

#include <string>
#include <vector>

#include "core/fixtures.h"
#include "core/key_source.h"

namespace scope_migrate {

class FixtureSource : public KeySource {
 public:
  explicit FixtureSource(std::string path);  // throws ToolError(65) on a bad file
  std::string Describe() const override { return "fixtures:" + path_; }
  void Read(Instant cutoff, const KeyFilter& filter, KeyVisitor& visitor) override;

 private:
  std::string path_;
  std::vector<FixtureKey> keys_;
};

}  // namespace scope_migrate
