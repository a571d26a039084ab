// Strict reading of the tool's YAML files (catalog, mapping, layout, fixtures) on top of
// yaml-cpp. Every helper throws ToolError(65) as "FILE:LINE:COL: message", taking the
// 1-based position from yaml-cpp's marks, so a typo in any file points at itself. A file is
// read only if it is a regular file of at most MaxInputBytes(), must hold one document, and
// may not expand (aliases) to more than kMaxYamlNodes nodes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "base/errors.h"

namespace scope_migrate {

// The largest input file read unless SCOPE_MIGRATE_MAX_INPUT_BYTES says otherwise.
inline constexpr size_t kDefaultMaxInputBytes = 16 * 1024 * 1024;

// The most nodes a YAML file may stand for once its aliases are expanded (each alias
// counts the whole tree it names again); past it the file is refused at FILE:LINE:COL.
inline constexpr size_t kMaxYamlNodes = 2000000;

// The environment variable `variable` as a positive number of bytes, else `default_bytes`
// when it is unset or empty; ToolError(64) naming it for any other value.
size_t ByteLimit(const char* variable, size_t default_bytes);

// ByteLimit("SCOPE_MIGRATE_MAX_INPUT_BYTES", kDefaultMaxInputBytes).
size_t MaxInputBytes();

// The whole of an input file: ToolError(65) "FILE: ..." when it cannot be read, is not a
// regular file (a FIFO or /dev/zero would block or never end) or holds more than
// MaxInputBytes() bytes.
std::string ReadInputFile(const std::string& path);

class YamlFile {
 public:
  // Parses `path` (read by ReadInputFile); a syntax error or a second document (a "---" after the
  // first) throws with the position.
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
