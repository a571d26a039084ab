// The replay's report (SPEC 12.1) in the four formats of `simulate`: text and Markdown for
// people (what the replay read, the summary with every counter, by tenant, the keys that
// would break with their denied routes, blocked keys with traffic, the most called
// unmatched routes, over-granted scopes), JSON Lines (a `key` record for every legacy
// key, an `unmatched` record per listed route, a `tenant` record per tenant, then the
// `summary`) and CSV (the same records as rows under one header; see docs/replay.md).
// Pure formatting of a ReplayResult; values from the database or the log are escaped
// for the medium (text_escape.h).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/endpoints.h"
#include "core/replay.h"
#include "plan/report.h"

namespace scope_migrate {

struct ReplayReportInfo {
  std::string endpoints;             // what --endpoints read
  std::vector<std::string> usage;    // the usage sources, as given
  std::string keys;                  // where the keys came from (plan file or source)
  size_t max_keys = 1000;            // text/Markdown: keys listed per section
};

// "a, [b, c]": a route's entries as the catalog writes them.
std::string DescribeEntries(const std::vector<ScopeEntry>& entries);
// The same as JSON: ["a",["b","c"]].
void AppendEntries(std::string& out, const std::vector<ScopeEntry>& entries);

void WriteReplayReport(ReportFormat format, const ReplayResult& result,
                       const ReplayReportInfo& info, std::ostream& out);

}  // namespace scope_migrate
