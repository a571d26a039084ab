#include "plan/replay_report.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "core/replay.h"

namespace scope_migrate {
namespace {

// Regression (issue 27, finding 12; SPEC 12.3): simulate's Markdown wrote a key's tenant and
// a blocked key's reason (an unknown role's name) as plain Markdown, so a tenant named
// `<img src=...> [Approved](https://...)` was live HTML and a live link in the report.
// Every value from data is a code span, inside which Markdown renders nothing.
TEST(ReplayReportTest, MarkdownRendersNoHtmlOrLinkFromData) {
  const std::string tenant = "<img src=https://evil.example/x.png> [Approved](https://evil.example)";
  ReplayKey key{"k1", tenant, Status::kBlocked, "unknown role \"<b>[x](https://evil.example)\"", {}};
  ReplayResult result;
  result.counters.breaking_keys = 1;
  result.counters.blocked_keys_with_calls = 1;
  KeyReplay replayed;
  replayed.key = &key;
  replayed.calls = 3;
  replayed.blocked_with_traffic = true;
  replayed.denied.push_back(DeniedRoute{"GET /a`b|c", 3, 0, {}});
  result.keys.push_back(replayed);
  result.tenants.push_back(TenantReplay{tenant, 1, 1, 3, 1, 3, 1});
  std::ostringstream out;
  WriteReplayReport(ReportFormat::kMarkdown, result, ReplayReportInfo{"e.yaml", {"u.jsonl"}, "p"},
                    out);
  const std::string md = out.str();
  EXPECT_NE(md.find("\n| `" + tenant + "` | 1 | 1 | 3 | 1 | 3 | 1 |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("\n| `k1` | `" + tenant + "` | `GET /a'b\\|c` | 3 | "), std::string::npos)
      << md;
  EXPECT_NE(md.find("\n- `k1` (`" + tenant +
                    "`): `unknown role \"<b>[x](https://evil.example)\"`, 3 call(s)\n"),
            std::string::npos)
      << md;
  // Outside code spans nothing of the data appears.
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    std::string outside;
    bool in_code = false;
    for (const char c : line) {
      if (c == '`') {
        in_code = !in_code;
      } else if (!in_code) {
        outside += c;
      }
    }
    EXPECT_EQ(outside.find('<'), std::string::npos) << line;
    EXPECT_EQ(outside.find("]("), std::string::npos) << line;
    EXPECT_EQ(outside.find("evil"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace scope_migrate
