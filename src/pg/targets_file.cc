#include "pg/targets_file.h"

#include <set>

#include "base/errors.h"
#include "base/yaml_util.h"
#include "core/target_name.h"
#include "pg/db.h"

namespace scope_migrate {
namespace {

std::string Directory(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

Target ReadTarget(const YamlFile& file, const YAML::Node& node) {
  file.ExpectMap(node, "a target", {"name", "db", "service", "layout"});
  Target target;
  target.line = node.Mark().line + 1;
  target.column = node.Mark().column + 1;
  if (!node["name"]) throw file.Error(node, "a target needs a name");
  target.name = file.String(node["name"], "name");
  if (!IsTargetName(target.name)) {
    throw file.Error(node["name"],
                     "a target's name is 1 to 63 characters of a-z, 0-9 and \"-\" "
                     "(it names the plan file NAME.jsonl)");
  }
  if (node["db"].IsDefined() == node["service"].IsDefined()) {
    throw file.Error(node, "target " + target.name + " needs one of db (a conninfo) and service");
  }
  if (node["db"]) target.db = file.String(node["db"], "db");
  if (node["service"]) target.service = file.String(node["service"], "service");
  const YAML::Node& where = node["db"] ? node["db"] : node["service"];
  if (const char* problem = StoredConninfoProblem(target.Conninfo())) {
    throw file.Error(where, "target " + target.name + ": " + problem);
  }
  if (node["layout"]) {
    const std::string layout = file.String(node["layout"], "layout");
    target.layout = layout.rfind('/', 0) == 0 ? layout : Directory(file.path()) + layout;
  }
  return target;
}

}  // namespace

std::string Target::Conninfo() const {
  if (db) return ConninfoOf(*db);
  std::string quoted = "service='";
  for (char c : service.value_or("")) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string Target::Describe() const { return name + " (" + RedactConninfo(Conninfo()) + ")"; }

std::vector<Target> LoadTargets(const std::string& path) {
  const YamlFile file(path);
  file.ExpectMap(file.root(), "the targets file", {"targets"});
  const YAML::Node list = file.root()["targets"];
  if (!list || !list.IsSequence() || list.size() == 0) {
    throw file.Error(list ? list : file.root(),
                     "the targets file needs a list `targets:` of at "
                     "least one target");
  }
  std::vector<Target> targets;
  std::set<std::string> names;
  for (const YAML::Node& node : list) {
    Target target = ReadTarget(file, node);
    if (!names.insert(target.name).second) {
      throw file.Error(node["name"], "target name " + target.name + " is used twice");
    }
    targets.push_back(std::move(target));
  }
  return targets;
}

std::vector<Target> SelectTargets(const std::vector<Target>& targets,
                                  const std::vector<std::string>& names, const std::string& where) {
  if (names.empty()) return targets;
  std::string known;
  for (const Target& t : targets) known += (known.empty() ? "" : ", ") + t.name;
  for (const std::string& name : names) {
    bool found = false;
    for (const Target& t : targets) found = found || t.name == name;
    if (!found) {
      throw UsageError("--target " + name + " is not a target of " + where + " (" + known + ")");
    }
  }
  std::vector<Target> selected;
  for (const Target& t : targets) {
    for (const std::string& name : names) {
      if (t.name == name) {
        selected.push_back(t);
        break;
      }
    }
  }
  return selected;
}

}  // namespace scope_migrate
