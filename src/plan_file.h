// Reading a plan file (JSON Lines, SPEC section 8) for `apply`. Open() reads the whole
// file once: it checks the header's format_version, every line, that the last line is the
// summary and that its "sha256" is the SHA-256 of every byte before it. A truncated,
// edited or unknown-version file throws ToolError(65) before anything is written. While
// hashing, it copies the bytes into a private, already unlinked temporary file, and
// ForEachKey() streams the key lines from that copy: what is applied is exactly what was
// verified, even if the file at the path is replaced or edited in the meantime.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decision.h"
#include "key_source.h"
#include "timestamps.h"

namespace scope_migrate {

struct PlanFileHeader {
  std::string tool_version;
  std::string mapping_sha256;
  std::string catalog_sha256;
  Instant cutoff = 0;
  bool prune = false;
  std::string source;
  std::string filter;  // "--tenant acme", or "" when the plan covers all keys
};

struct PlanKeyLine {
  int line = 0;
  std::string id;
  std::optional<std::string> tenant;
  Status status = Status::kUnchanged;
  std::string reason;
  std::vector<std::string> roles, current, target, add, remove;
  std::string fingerprint;
};

struct PlanFileCounts {
  uint64_t keys = 0, change = 0, blocked = 0;  // of the keys passing the filter
};

class PlanFile {
 public:
  static PlanFile Open(const std::string& path, const KeyFilter& filter);

  const std::string& path() const { return path_; }
  const PlanFileHeader& header() const { return header_; }
  const std::string& sha256() const { return sha256_; }
  const PlanFileCounts& counts() const { return counts_; }

  // Calls `visit` for each key line passing the filter, in file (id) order.
  void ForEachKey(const std::function<void(const PlanKeyLine&)>& visit) const;

 private:
  std::string path_;
  std::shared_ptr<std::FILE> copy_;  // the verified bytes
  KeyFilter filter_;
  PlanFileHeader header_;
  std::string sha256_;
  PlanFileCounts counts_;
};

}  // namespace scope_migrate
