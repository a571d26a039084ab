// The plan file's format (JSON Lines, one object a line, "type" first): a header line,
// one line per key in id order, and a summary line whose "sha256" is the SHA-256 of every
// byte before it, which detects accidents and truncation (an edit that changes a decision is
// caught by plan_check.h, against the header's mapping). `--format jsonl` prints the same
// lines. plan_writer.h writes it and plan_reader.h reads it back; both take the version
// from here, and planned_key.h follows one key line through every shape it takes. Rules: a field
// may be added within a version (readers ignore unknown fields); anything else bumps
// kPlanFormatVersion, and a reader refuses versions it does not know.
//
// Version 2 carries nothing that can be derived from the rest. A key line holds "id",
// "tenant" and "name" (when the key has them), "status", "reason" (blocked and skipped
// keys), and the sorted lists "roles" (raw, as stored), "current" (its scopes), "add" and
// "extra" (current scopes outside the target), each left out when empty. Derived on
// reading: target = current + add - extra; remove = extra for a "change" key of a plan
// made with prune, else nothing. The fingerprint apply checks is the state the plan saw
// (not revoked, roles, current), compared exactly (write_rules.h). Version 1 (which also
// wrote target, remove and a hashed fingerprint) is still read.
//
// Version 3 (SPEC 12.0) is written exactly when the plan carries content a version-2
// reader would misread: per-key overrides (SPEC 12.2) (and, from the replay, its result).
// PlanFormatVersionFor() says which, from what the header carries; a plan without any stays
// version 2, so older readers keep reading it. With overrides the header holds
// "overrides": {"file", "sha256" (of the file's bytes), "applied" (key lines carrying one),
// "ignored" (overrides of keys outside the --tenant/--key filter)}, and each key line with
// an override carries it after "extra" as "override": {"add", "remove", "reason" and, when
// true, "allow_write"}, so the line can be re-derived from its roles, current scopes and
// that override alone (plan_check.h). Derived on reading then: remove = extra for a
// pruning plan, else the extra scopes the override removes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/timestamps.h"
#include "core/decision.h"
#include "core/key_filter.h"
#include "core/key_source.h"
#include "core/overrides.h"
#include "core/role_matrix.h"

namespace scope_migrate {

inline constexpr int kPlanFormatVersion = 3;        // the newest version written and read
inline constexpr int kOldestPlanFormatVersion = 1;  // the oldest version still read
inline constexpr int kPlainPlanFormatVersion = 2;   // a plan with no version-3 content

// What the header records of the overrides file a plan was made with.
struct OverridesRecord {
  std::string file;    // as given on the command line
  std::string sha256;  // of the file's bytes
  uint64_t applied = 0;  // key lines carrying an override
  uint64_t ignored = 0;  // overrides of keys outside the --tenant/--key filter
};

struct PlanHeader {
  std::string tool_version;
  std::string tool_commit;  // the git commit the tool was built from
  std::string mapping_sha256;
  std::string catalog_sha256;
  Instant cutoff = 0;
  // Set only when --cutoff overrode the mapping's cutoff: the mapping's own. Written as
  // "mapping_cutoff" after "cutoff" (absent in plans without an override), and shown by
  // the text and Markdown reports beside the cutoff used.
  std::optional<Instant> mapping_cutoff;
  // "excluded_post_cutoff" after them: the keys (passing the filter) the cutoff left out,
  // known before the first key line is written. The summary's count is outside the
  // checksum and cannot be derived from the key lines; this one is inside, and the reader
  // refuses a summary that differs from it. Absent in plans written before it was.
  std::optional<uint64_t> excluded_post_cutoff;
  bool prune = false;
  std::string source;
  // "system_identifier" and "database" after "source": the database the plan was made on
  // (apply refuses another one without --allow-other-database). Empty in plans from
  // fixtures and in plans written before they were recorded.
  SourceIdentity identity;
  KeyFilter filter;    // non-empty: a partial run
  RoleMatrix mapping;  // "mapping": the roles and their scopes, for reviewers (and `show`)
  std::optional<OverridesRecord> overrides;  // "overrides" (version 3)
};

// The format_version a plan with this header is written in: 3 when it carries version-3
// content (overrides), else 2. The one place that decides it.
inline int PlanFormatVersionFor(const PlanHeader& header) {
  return header.overrides ? 3 : kPlainPlanFormatVersion;
}

// One key line as read back, with the derived lists filled in.
struct PlanKeyLine {
  int line = 0;
  std::string id;
  std::optional<std::string> tenant, name;
  Status status = Status::kUnchanged;
  std::string reason;
  std::vector<std::string> roles, current, add, extra;  // as written
  std::optional<KeyOverride> override;                  // as written (version 3)
  std::vector<std::string> target, remove;              // derived
};

// Only the summary line starts with this; key lines are by far the most.
inline constexpr char kSummaryLinePrefix[] = "{\"type\":\"summary\",";

}  // namespace scope_migrate
