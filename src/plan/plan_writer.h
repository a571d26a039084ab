// Writing the plan file (plan_format.h), which is also the `--format jsonl` report: the
// header line, one key line per key as the planner streams it (AppendKeyLine,
// planned_key.h), and the summary line with the SHA-256 of every byte written before it.
// It writes to a std::ostream, flushed after the summary; once WriteSummary() returns,
// sha256() is the plan's checksum, which every other report then shows. plan_reader.h
// reads the file back.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "plan/report.h"

namespace scope_migrate {

class PlanWriter : public ReportWriter {
 public:
  virtual const std::string& sha256() const = 0;  // "" until the summary is written
};

std::unique_ptr<PlanWriter> MakeJsonlWriter(std::ostream& out);

}  // namespace scope_migrate
