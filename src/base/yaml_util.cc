#include "base/yaml_util.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

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
  struct stat info;
  if (stat(path.c_str(), &info) != 0) throw InputError(path, 0, 0, "cannot read file");
  if (!S_ISREG(info.st_mode)) {
    throw InputError(path, 0, 0,
                     "is not a regular file (a directory, device or FIFO is not read as input)");
  }
  const size_t cap = MaxInputBytes();
  const auto too_big = [&](size_t bytes) {
    return InputError(path, 0, 0,
                      "is " + std::to_string(bytes) + " bytes, over the limit of " +
                          std::to_string(cap) +
                          " bytes for an input file (SCOPE_MIGRATE_MAX_INPUT_BYTES raises it)");
  };
  if (static_cast<unsigned long long>(info.st_size) > cap) throw too_big(info.st_size);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, 0, "cannot read file");
  std::string content;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    content.append(chunk, static_cast<size_t>(in.gcount()));
    if (content.size() > cap) throw too_big(content.size());  // it grew since stat
  }
  return content;
}

YamlFile::YamlFile(std::string path) : path_(std::move(path)) {
  const std::string content = ReadInputFile(path_);
  CheckUtf8(path_, content);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(content);
  } catch (const YAML::Exception& e) {
    throw InputError(path_, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  if (documents.size() > 1) {
    const int line = SecondDocumentLine(content, documents[1].Mark());
    throw InputError(path_, line, 1,
                     "a second YAML document starts here; the file must hold exactly one "
                     "(nothing after a \"---\" line is read)");
  }
  if (!documents.empty()) root_ = documents[0];
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
