// The targets file of a fleet (SPEC.md 11.7): a YAML list of named databases that one
// migration covers, each a libpq conninfo (`db:`) or a pg_service.conf entry (`service:`)
// and optionally its own layout file:
//
//   targets:
//     - name: eu-1
//       db: "host=db-eu-1 dbname=billing"
//       layout: layouts/eu.yaml
//     - name: us-1
//       service: billing-us-1
//
// Load() checks the file's own rules at FILE:LINE:COL (ToolError 65), without a database:
// at least one target; names unique, 1-63 characters of [a-z0-9-] (a name becomes a file
// name, DIR/NAME.jsonl); exactly one of db and service; a conninfo libpq can parse and that
// holds no password (passwords belong in ~/.pgpass or PGPASSFILE: the conninfo is passed to
// child processes and written to the fleet's index.json); a layout path relative to the
// targets file's directory. No value of the file is ever echoed in a message about a
// password or an unparsable conninfo.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scope_migrate {

struct Target {
  std::string name;
  std::optional<std::string> db;       // as written (a bare word is a database name)
  std::optional<std::string> service;  // a pg_service.conf entry
  std::optional<std::string> layout;   // resolved against the targets file's directory
  int line = 0, column = 0;            // where the entry starts

  // The conninfo libpq is given: `db` (a bare word as dbname='WORD') or service='NAME'.
  std::string Conninfo() const;
  // How the target is named in messages: "eu-1 (host=db-eu-1 dbname=billing)".
  std::string Describe() const;
};

std::vector<Target> LoadTargets(const std::string& path);

// The targets named in `names` (--target, in the file's order), or all of them when
// `names` is empty; a name not in the list is ToolError(64) naming it and the valid names.
std::vector<Target> SelectTargets(const std::vector<Target>& targets,
                                  const std::vector<std::string>& names, const std::string& where);

}  // namespace scope_migrate
