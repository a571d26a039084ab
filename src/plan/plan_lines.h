// The header and summary lines of a plan file (plan_format.h; the key lines are
// key_line_parser.h's). ParseHeaderLine() reads the first line: its format_version must be
// one this version reads, and every field the header needs must be there with its type.
// A SummaryLine is parsed as JSON when read, and verified once every line before it has
// been hashed: its "sha256" must be that digest and "keys_read" the number of key lines.
// Anything else throws ToolError(65) as "FILE:LINE:1: message".
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/summary.h"
#include "plan/plan_format.h"

namespace scope_migrate {

PlanHeader ParseHeaderLine(const std::string& path, const std::string& text);

class LineReader;  // one line parsed as JSON, with field readers that name it in errors

class SummaryLine {
 public:
  // Throws unless `text` is a JSON object with a "type".
  SummaryLine(const std::string& path, int number, const std::string& text);
  ~SummaryLine();

  // The summary as the reports print it, with plan_sha256 = `digest`, once its checksum
  // is `digest` and its keys_read is `key_lines`.
  Summary Verify(const std::string& digest, uint64_t key_lines) const;

 private:
  std::unique_ptr<LineReader> line_;
  std::string path_;
  int number_;
};

}  // namespace scope_migrate
