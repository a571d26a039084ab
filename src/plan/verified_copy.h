// The plan reader's verified copy: a second, private file format holding the key lines
// that were checked, so `apply` and `show` read back exactly what was verified even if the
// plan file at its path is replaced or edited meanwhile, and parse no JSON line twice.
// It lives in an already unlinked temporary file in $TMPDIR or /tmp (UnlinkedTempFile,
// atomic_file.h) that disappears with the last copy of this object. Each key is one record of
// native-endian fields: the line number and status as 32-bit numbers, then id, tenant, name, reason
// and the lists roles, current, add and extra, then the override (if any), each text length-prefixed, each optional text and
// list count-prefixed; the derived lists are not stored but derived again on reading. The format
// never leaves the process, so it has no version. Failures throw ToolError(1).
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "plan/plan_format.h"

namespace scope_migrate {

class VerifiedCopy {
 public:
  // `plan_path` names the plan file in messages.
  explicit VerifiedCopy(const std::string& plan_path);

  // Appends one key's record (buffered).
  void Append(const PlanKeyLine& key);
  // Flushes every record to the file; call once after the last Append.
  void Finish();

  // Starts reading again from the first record.
  void Rewind() const;
  // Reads the next record into `key` with the derived lists of a plan made with `prune`
  // (planned_key.h); false after the last one.
  bool Read(PlanKeyLine& key, bool prune) const;

 private:
  std::string plan_path_;
  std::shared_ptr<std::FILE> file_;
  std::string record_;  // one record, written at once
};

}  // namespace scope_migrate
