// The request log as usage input (`simulate --usage-table`, SPEC 12.1): the layout's
// `usage:` section (pg/layout_file.h) resolved against the live catalog and read as ONE
// streamed statement, COPY (SELECT … WHERE at >= since AND at < until) TO STDOUT, inside the
// caller's transaction, so the records and the keys come from the same snapshot. The
// window is in the WHERE clause (an index on `at` serves it); a `timestamp without time
// zone` column is compared in its zone (usage.timezone, else keys.timezone, SPEC 10.3),
// the bounds converted, never the column. Each row is handed to a UsageVisitor as it
// arrives: memory does not grow with the log.
//
// Resolution refuses (65 at the layout's entry) a missing table or column, an `at` that is
// neither timestamptz nor timestamp, a timestamp without a zone, an unknown zone, and a
// `status` or `count` column that is not an integer. A row is read as: key as text (NULL:
// a call without a key, counted among other keys), method and path as text (NULL: empty,
// so unmatched), status (NULL: none), count (NULL: 1; below 1 is an error naming the row).
#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>

#include "base/timestamps.h"
#include "core/usage_record.h"
#include "pg/layout_file.h"

namespace scope_migrate {

struct ResolvedUsageTable {
  std::string table;         // quoted, possibly schema-qualified
  std::string key, method, path, status /* "" if none */, count /* "" if none */;
  std::string at;            // the quoted column
  std::string zone;          // for a timestamp column: the zone; "" for timestamptz
  std::string description;   // "table public.api_request_log", for the report
};

// Checks `layout.usage` (which must be set) against the catalog in `txn`.
ResolvedUsageTable ResolveUsageTable(pqxx::transaction_base& txn, const Layout& layout);

// The SELECT of the records in [from, until): key, method, path, at in epoch microseconds,
// then status and count when the layout has those columns (an absent one is not selected).
std::string UsageTableQuery(pqxx::transaction_base& txn, const ResolvedUsageTable& usage,
                            Instant from, Instant until);

// Streams every record of the window into `visitor` in one COPY; returns the rows read.
uint64_t ReadUsageTable(pqxx::transaction_base& txn, const ResolvedUsageTable& usage,
                        Instant from, Instant until, UsageVisitor& visitor);

}  // namespace scope_migrate
