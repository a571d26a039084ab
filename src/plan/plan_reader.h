// Reading a plan file (plan_format.h) for `apply` and `show`: the cursor over its keys.
// Open() reads the whole file once (plain, gzip or zstd): it parses and checks every line
// (the header and summary: plan_lines.h; each key: key_line_parser.h), checks that the
// last line is the summary and that its "sha256" is the SHA-256 of every byte before it.
// A truncated, edited or unknown-version file throws ToolError(65) naming the line before
// anything is written. As it goes it keeps every key that passes the filter in the
// verified copy (verified_copy.h); once the checksum matches, the content is checked against
// the header's mapping (plan_check.h). The Cursor and ForEachKey() read the keys from that
// copy: what is applied is exactly what was verified, even if the file at the path is
// replaced or edited in the meantime, and no line is parsed twice. Limits, checked as the
// file is read (before the checksum, which is only known at the end): a line longer than
// kDefaultMaxPlanLineBytes (SCOPE_MIGRATE_MAX_PLAN_LINE_BYTES) or a file longer than
// kDefaultMaxPlanBytes uncompressed (SCOPE_MIGRATE_MAX_PLAN_BYTES) is refused at that line,
// so a small compressed file cannot make the reader hold or copy without bound.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/key_filter.h"
#include "core/summary.h"
#include "plan/plan_format.h"
#include "plan/verified_copy.h"

namespace scope_migrate {

inline constexpr size_t kDefaultMaxPlanLineBytes = size_t{1} << 20;  // 1 MiB
inline constexpr size_t kDefaultMaxPlanBytes = size_t{4} << 30;      // 4 GiB

struct PlanFileCounts {  // of the keys passing the filter
  uint64_t keys = 0, change = 0, blocked = 0;
  uint64_t scopes_to_add = 0, scopes_to_remove = 0;  // of the change keys
};

class PlanFile {
 public:
  // Only keys passing `filter` are counted and visited.
  static PlanFile Open(const std::string& path, const KeyFilter& filter);

  // The plan's summary and sha256 (in plan_sha256) from one pass over its bytes: the header
  // parsed, the key lines counted and hashed but not parsed, the summary line checked against
  // them, with Open()'s limits and errors. What `apply DIR` checks of every plan of a fleet
  // against its index before anything is written; each target's apply then Open()s its own.
  static Summary Digest(const std::string& path);

  const std::string& path() const { return path_; }
  const PlanHeader& header() const { return header_; }
  const std::string& sha256() const { return sha256_; }
  const PlanFileCounts& counts() const { return counts_; }
  // The summary line as written (of the whole plan, whatever the filter), with its sha256.
  const Summary& summary() const { return summary_; }
  // What the filter's values matched among all the plan's keys (empty misses when the
  // filter is empty).
  const FilterMisses& filter_misses() const { return filter_misses_; }

  // Reads the verified key lines passing the filter, in file (id) order. One cursor at
  // a time: a new one starts again from the first key.
  class Cursor {
   public:
    explicit Cursor(const PlanFile& plan);
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    bool Next(PlanKeyLine& key);  // false after the last key

   private:
    const PlanFile& plan_;
  };

  // Calls `visit` for each key line passing the filter, in file (id) order.
  void ForEachKey(const std::function<void(const PlanKeyLine&)>& visit) const;

 private:
  class Loader;

  std::string path_;
  std::optional<VerifiedCopy> copy_;  // the verified keys
  KeyFilter filter_;
  PlanHeader header_;
  std::string sha256_;
  PlanFileCounts counts_;
  Summary summary_;
  FilterMisses filter_misses_;
};

}  // namespace scope_migrate
