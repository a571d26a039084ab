// Where keys come from. The planner reads keys only through this interface, so it and the
// report writers never see libpqxx: PgKeySource reads PostgreSQL, FixtureSource a fixture
// file, and tests feed keys from memory. A source visits the legacy keys (created before
// the cutoff, or with no creation date) that pass the filter, in id order, one at a time
// so memory does not grow with the number of keys, with roles sorted in byte order
// (duplicates kept). Scopes come in no promised order and may repeat (a scopes column
// keeps its stored order): Decide sorts and de-duplicates them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/key.h"
#include "core/key_filter.h"

namespace scope_migrate {

class KeyVisitor {
 public:
  virtual ~KeyVisitor() = default;
  // Called once before the first key: how many legacy keys will follow, and how many
  // keys (passing the filter) were left out because they were created at or after the
  // cutoff.
  virtual void Begin(uint64_t legacy_keys, uint64_t excluded_post_cutoff) = 0;
  virtual void Visit(const KeyRecord& key) = 0;
};

// Which database a source is: the server's system_identifier (shared by a primary and its
// standbys, different for any other cluster) and the database's name. Empty for a source
// that is not a database, and the identifier alone is empty when the role may not read it.
struct SourceIdentity {
  std::string system_identifier;
  std::string database;
};

class KeySource {
 public:
  virtual ~KeySource() = default;
  virtual SourceIdentity Identity() const { return {}; }
  // What the report header shows as "source"; never contains a password.
  virtual std::string Describe() const = 0;
  virtual void Read(Instant cutoff, const KeyFilter& filter, KeyVisitor& visitor) = 0;
};

}  // namespace scope_migrate
