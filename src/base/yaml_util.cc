#include "base/yaml_util.h"

#include <sys/stat.h>
#include <yaml-cpp/eventhandler.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

#include "base/regular_file.h"
#include "base/text_escape.h"
#include "base/utf8.h"

namespace scope_migrate {
namespace {

// The 1-based line of the "---" that opens the document whose content yaml-cpp marks at
// `mark` (for an empty document the mark is past its marker): the last marker line at or
// before the mark, else the mark's own line.
int SecondDocumentLine(const std::string& text, const YAML::Mark& mark) {
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  int marker = 0;
  while (std::getline(lines, line) && number <= mark.line) {
    ++number;
    const bool opens = line.rfind("---", 0) == 0 &&
                       (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    if (opens) marker = number;
  }
  return marker > 0 ? marker : mark.line + 1;
}

// The start of each document of `text`, at most `most` of them. yaml-cpp 0.7's LoadAll
// never ends on some malformed inputs (",a:\n  - b   c: \n"): its parser keeps handing
// back an empty document without reading on, and LoadAll keeps asking for the next one,
// taking memory as it goes (jbeder/yaml-cpp#1040, fixed upstream after 0.7). So documents
// are counted here, with a bound, and the one document is then read with Load.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::vector<YAML::Mark> FirstDocumentStarts(const std::string& text, size_t most) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  while (starts.marks.size() < most && parser.HandleNextDocument(starts)) {
  }
  return starts.marks;
}

// ToolError(65) at the first byte of `text` that is not UTF-8 (the column counts
// characters, as yaml-cpp's marks do).
void CheckUtf8(const std::string& path, const std::string& text) {
  const size_t bad = InvalidUtf8Offset(text);
  if (bad == std::string::npos) return;
  int line = 1, column = 1;
  for (size_t i = 0; i < bad; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
  throw InputError(path, line, column,
                   std::string("byte ") + hex + " is not valid UTF-8; the file must be UTF-8");
}

// An alias repeats the node it names wherever it appears, so a small file can stand for a
// huge tree (2,000 aliases of a 2,000-item list). The tree is walked as the loaders will
// walk it, aliases expanded, and refused past kMaxYamlNodes at the node it reached there.
void CheckExpandedSize(const std::string& path, const YAML::Node& root) {
  std::vector<YAML::Node> pending = {root};
  size_t visited = 0;
  while (!pending.empty()) {
    const YAML::Node node = pending.back();
    pending.pop_back();
    if (++visited > kMaxYamlNodes) {
      const YAML::Mark mark = node.Mark();
      throw InputError(path, mark.is_null() ? 1 : mark.line + 1,
                       mark.is_null() ? 1 : mark.column + 1,
                       "the document expands to more than " + std::to_string(kMaxYamlNodes) +
                           " nodes (YAML aliases repeat what they name); write it out or split it");
    }
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) pending.push_back(item);
    } else if (node.IsMap()) {
      for (const auto& entry : node) {
        pending.push_back(entry.first);
        pending.push_back(entry.second);
      }
    }
  }
}

}  // namespace

size_t ByteLimit(const char* variable, size_t default_bytes) {
  const char* text = std::getenv(variable);
  if (text == nullptr || *text == '\0') return default_bytes;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (*end != '\0' || errno != 0 || value == 0 ||
      !std::isdigit(static_cast<unsigned char>(*text))) {
    throw UsageError(std::string(variable) + " \"" + Printable(text) +
                     "\" is not a positive number of bytes");
  }
  return static_cast<size_t>(value);
}

size_t MaxInputBytes() { return ByteLimit("SCOPE_MIGRATE_MAX_INPUT_BYTES", kDefaultMaxInputBytes); }

std::string ReadInputFile(const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(OpenRegularFile(path), std::fclose);
  struct stat info;
  if (fstat(fileno(file.get()), &info) != 0) throw InputError(path, 0, 0, "cannot read file");
  const size_t cap = MaxInputBytes();
  const auto too_big = [&](size_t bytes) {
    return InputError(path, 0, 0,
                      "is " + std::to_string(bytes) + " bytes, over the limit of " +
                          std::to_string(cap) +
                          " bytes for an input file (SCOPE_MIGRATE_MAX_INPUT_BYTES raises it)");
  };
  if (static_cast<unsigned long long>(info.st_size) > cap) throw too_big(info.st_size);
  std::string content;
  char chunk[1 << 16];
  for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, file.get())) > 0;) {
    content.append(chunk, n);
    if (content.size() > cap) throw too_big(content.size());  // it grew since fstat
  }
  if (std::ferror(file.get())) throw InputError(path, 0, 0, "cannot read file");
  return content;
}

YamlFile::YamlFile(std::string path) : path_(std::move(path)) {
  const std::string content = ReadInputFile(path_);
  CheckUtf8(path_, content);
  try {
    const std::vector<YAML::Mark> starts = FirstDocumentStarts(content, 2);
    if (starts.size() > 1) {
      // A second document that starts where the first did is the parser stuck, not a document.
      if (starts[1].pos <= starts[0].pos) {
        throw InputError(path_, starts[1].line + 1, starts[1].column + 1,
                         "not valid YAML: the parser cannot read on from here");
      }
      throw InputError(path_, SecondDocumentLine(content, starts[1]), 1,
                       "a second YAML document starts here; the file must hold exactly one "
                       "(nothing after a \"---\" line is read)");
    }
    if (!starts.empty()) root_ = YAML::Load(content);
  } catch (const YAML::Exception& e) {
    throw InputError(path_, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  CheckExpandedSize(path_, root_);
  if (!root_.IsDefined() || root_.IsNull()) throw InputError(path_, 1, 1, "the file is empty");
}

ToolError YamlFile::Error(const YAML::Node& at, const std::string& message) const {
  const YAML::Mark mark = at.Mark();
  if (mark.is_null()) return InputError(path_, 0, 0, message);
  return InputError(path_, mark.line + 1, mark.column + 1, message);
}

void YamlFile::ExpectMap(const YAML::Node& node, const std::string& what,
                         std::initializer_list<const char*> allowed) const {
  if (!node.IsMap()) throw Error(node, what + " must be a map");
  std::set<std::string> names;
  for (const char* name : allowed) names.insert(name);
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    // yaml-cpp keeps both entries of a repeated key and node[key] returns the first: a
    // second "scopes:" would silently drop a rule.
    if (!seen.insert(key).second)
      throw Error(entry.first, "\"" + key + "\" appears twice in " + what);
    if (names.count(key)) continue;
    std::string expected;
    for (const char* name : allowed) expected += std::string(expected.empty() ? "" : ", ") + name;
    throw Error(entry.first,
                "unknown key \"" + key + "\" in " + what + " (expected one of: " + expected + ")");
  }
}

std::string YamlFile::String(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar()) throw Error(node, what + " must be a string");
  return node.Scalar();
}

bool YamlFile::Bool(const YAML::Node& node, const std::string& what) const {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    throw Error(node, what + " must be true or false");
  }
  return value;
}

int YamlFile::Int(const YAML::Node& node, const std::string& what) const {
  int value = 0;
  if (!node.IsScalar() || !YAML::convert<int>::decode(node, value)) {
    throw Error(node, what + " must be an integer");
  }
  return value;
}

std::vector<std::string> YamlFile::StringList(const YAML::Node& node,
                                              const std::string& what) const {
  if (!node.IsSequence()) throw Error(node, what + " must be a list");
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(String(item, "each item of " + what));
  return out;
}

bool YamlFile::IsNull(const YAML::Node& node) const { return !node.IsDefined() || node.IsNull(); }

}  // namespace scope_migrate
