// Strict reading of the tool's YAML files (catalog, mapping, layout, fixtures) on top of
// yaml-cpp. Every helper throws ToolError(65) as "FILE:LINE:COL: message", taking the
// 1-based position from yaml-cpp's marks, so a typo in any file points at itself.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "base/errors.h"

namespace scope_migrate {

class YamlFile {
 public:
  // Parses `path`; a missing file or a syntax error throws with the position.
  explicit YamlFile(std::string path);

  const std::string& path() const { return path_; }
  const YAML::Node& root() const { return root_; }

  ToolError Error(const YAML::Node& at, const std::string& message) const;

  // The node must be a map whose keys are all in `allowed`.
  void ExpectMap(const YAML::Node& node, const std::string& what,
                 std::initializer_list<const char*> allowed) const;
  std::string String(const YAML::Node& node, const std::string& what) const;
  bool Bool(const YAML::Node& node, const std::string& what) const;
  int Int(const YAML::Node& node, const std::string& what) const;
  // A sequence of strings; a single string is not accepted in its place.
  std::vector<std::string> StringList(const YAML::Node& node, const std::string& what) const;
  bool IsNull(const YAML::Node& node) const;

 private:
  std::string path_;
  YAML::Node root_;
};

}  // namespace scope_migrate
