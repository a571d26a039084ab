// The plan file: one line alone (in memory), and a whole file read as apply reads it
// (header, key lines, summary, checksum). So that the summary's own rules are reached, the
// plan file entry fills in a summary line's "@SHA256@" with the checksum of the lines
// before it and "@KEYS@" with their key line count, as the writer would.

#include "base/errors.h"
#include "base/sha256.h"
#include "fuzz/fuzz_targets.h"
#include "fuzz/fuzz_util.h"
#include "plan/key_line_parser.h"
#include "plan/plan_lines.h"
#include "plan/plan_reader.h"

namespace scope_migrate::fuzz {
namespace {

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The input with its last line's placeholders filled in.
std::string WithChecksum(std::string text) {
  const size_t end = text.size() > 0 && text.back() == '\n' ? text.size() - 1 : text.size();
  const size_t last = text.rfind('\n', end == 0 ? 0 : end - 1);
  if (last == std::string::npos || end == 0) return text;
  const std::string before = text.substr(0, last + 1);
  std::string summary = text.substr(last + 1);
  size_t lines = 0;
  for (const char c : before) lines += c == '\n';
  ReplaceAll(summary, "@SHA256@", Sha256Hex(before));
  ReplaceAll(summary, "@KEYS@", std::to_string(lines > 0 ? lines - 1 : 0));
  return before + summary;
}

}  // namespace

// The same text as a header, a key line and a summary line (its checksum and key count
// are checked against those of an empty plan body, which the seeds carry).
int FuzzPlanLine(const uint8_t* data, size_t size) {
  const std::string text = AsString(data, size);
  try {
    ParseHeaderLine("fuzz.jsonl", text);
  } catch (const ToolError&) {
  }
  try {
    PlanKeyLine key;
    ParseKeyLineFields("fuzz.jsonl", 2, text, key);
    Check(key.line == 2, "a parsed key line keeps its number", text);
    ParseKeyLine("fuzz.jsonl", 2, text, true);
  } catch (const ToolError&) {
  }
  try {
    static const std::string kEmpty = Sha256Hex("");
    SummaryLine("fuzz.jsonl", 3, text).Verify(kEmpty, 0);
  } catch (const ToolError&) {
  }
  return 0;
}

int FuzzPlanFile(const uint8_t* data, size_t size) {
  const std::string text = WithChecksum(AsString(data, size));
  try {
    const PlanFile plan = PlanFile::Open(WriteScratch("plan.jsonl", text), KeyFilter{});
    uint64_t keys = 0;
    plan.ForEachKey([&](const PlanKeyLine&) { ++keys; });
    Check(keys == plan.counts().keys, "the verified copy holds every counted key", text);
    // What Open verifies, Digest (apply DIR's one-pass check) reads the same.
    const Summary digest = PlanFile::Digest(ScratchDir() + "/plan.jsonl");
    Check(digest.plan_sha256 == plan.sha256(), "Digest's sha256 is Open's", text);
    Check(digest.blocked == plan.counts().blocked, "Digest counts Open's blocked keys", text);
  } catch (const ToolError&) {
  }
  return 0;
}

}  // namespace scope_migrate::fuzz
