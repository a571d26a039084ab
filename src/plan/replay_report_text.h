// The replay report for people: text (a terminal or a ticket) and Markdown (a pull
// request or a change ticket), from the same ReplayResult as the JSON Lines and CSV ones
// (replay_report.h). Both list the same sections in the same order.
#pragma once

#include <cstdint>
#include <ostream>
#include <utility>
#include <vector>

#include "core/replay.h"
#include "plan/replay_report.h"

namespace scope_migrate {

// The summary's counters by their JSON names, in SPEC 12.1's order.
std::vector<std::pair<const char*, uint64_t>> CounterList(const ReplayCounters& c);

void WriteReplayText(const ReplayResult& result, const ReplayReportInfo& info, std::ostream& out);
void WriteReplayMarkdown(const ReplayResult& result, const ReplayReportInfo& info,
                         std::ostream& out);

}  // namespace scope_migrate
