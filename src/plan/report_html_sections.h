// The visible parts of the review page (report_html.h), written from what the HTML writer
// gathered while the keys streamed past: plain HTML tables, readable without the script,
// every value escaped with HtmlText. WriteHead writes the document up to <body> with the
// Content-Security-Policy; WriteSections everything from the page's heading to the key
// table's controls, in the order a reviewer reads: what gains privileged or write access
// first, then tenants, the role x scope heat map, scope changes, blocked keys, drift,
// overrides, the replay.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "core/summary.h"
#include "plan/plan_format.h"
#include "plan/report_html.h"

namespace scope_migrate {

// A key in one of the page's lists: its id, name, tenant and one more column.
struct Listed {
  std::string id, name, tenant, detail;
};

struct TenantRow {
  int index = -1;  // in the page's tenant names; -1: keys without a tenant
  std::string name;
  uint64_t keys = 0;
  uint64_t by_status[6] = {};  // by Status
  uint64_t privileged_keys = 0, write_keys = 0;
};

// A privileged or -write scope some key gains.
struct GrantRow {
  bool privileged = false;
  uint64_t keys = 0;
  std::set<int> tenants;     // tenant indexes
  std::vector<Listed> first;  // the first keys gaining it
};

struct PageData {
  PlanHeader header;
  Summary summary;
  std::optional<std::vector<std::string>> approvals;
  ReportExtras extras;
  uint64_t keys_written = 0;
  bool keyless_tenant = false;
  std::map<std::string, GrantRow> grants;
  uint64_t gaining_keys = 0, privileged_keys = 0, write_keys = 0;
  // Capped lists: keys gaining a privileged scope, keys gaining only write scopes, blocked
  // keys, drift keys.
  std::vector<Listed> gaining, gaining_write_only, blocked, drift;
  std::map<std::string, uint64_t> blocked_reasons;
  std::vector<TenantRow> tenants;
  std::vector<std::string> tenant_names;  // by tenant index
  std::vector<std::map<std::string, uint64_t>> heat;  // per mapping role: scope -> keys gaining
};

void WriteHead(std::ostream& out, const PlanHeader& header);
void WriteSections(std::ostream& out, const PageData& page);

}  // namespace scope_migrate
