#include "base/yaml_util.h"

#include <fstream>
#include <set>
#include <sstream>

namespace scope_migrate {

YamlFile::YamlFile(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw InputError(path_, 0, 0, "cannot read file");
  std::stringstream content;
  content << in.rdbuf();
  try {
    root_ = YAML::Load(content.str());
  } catch (const YAML::Exception& e) {
    throw InputError(path_, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
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
