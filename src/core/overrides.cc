#include "core/overrides.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "base/text_escape.h"
#include "base/yaml_util.h"

namespace scope_migrate {
namespace {

bool EndsWith(const std::string& text, const std::string& ending) {
  return text.size() >= ending.size() &&
         text.compare(text.size() - ending.size(), ending.size(), ending) == 0;
}

// The scopes of one list as written, each with its place, before they are checked.
struct WrittenScope {
  std::string raw;
  FilePlace at;
};

// Checks and normalises one list ("add" or "remove") of `o`: catalog names, none twice.
// Fills the list sorted, with the places in the same order. `error` makes the error.
template <typename MakeError>
void SetList(const std::vector<WrittenScope>& written, const Catalog& catalog, const char* field,
             std::vector<std::string>& names, std::vector<FilePlace>& places,
             const MakeError& error) {
  std::vector<std::pair<std::string, FilePlace>> scopes;
  for (const WrittenScope& w : written) {
    const std::string name = NormalizeScopeName(w.raw);
    if (catalog.Find(name) == nullptr) {
      throw error(w.at, std::string("\"") + field + "\": scope \"" + Printable(w.raw) +
                            "\" is not in the catalog " + catalog.path());
    }
    for (const auto& [seen, place] : scopes) {
      if (seen == name) {
        throw error(w.at, std::string("\"") + field + "\": scope \"" + name +
                              "\" is listed twice (also at line " + std::to_string(place.line) +
                              ")");
      }
    }
    scopes.emplace_back(name, w.at);
  }
  std::sort(scopes.begin(), scopes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, place] : scopes) {
    names.push_back(name);
    places.push_back(place);
  }
}

// The checks of one entry once its fields are read: both lists, a reason, something to do,
// no scope in both lists.
template <typename MakeError>
void Finish(Override& o, const std::vector<WrittenScope>& add,
            const std::vector<WrittenScope>& remove, const Catalog& catalog,
            const MakeError& error) {
  SetList(add, catalog, "add", o.change.add, o.add_at, error);
  SetList(remove, catalog, "remove", o.change.remove, o.remove_at, error);
  if (o.change.add.empty() && o.change.remove.empty()) {
    throw error(o.at, "nothing to add or remove");
  }
  for (size_t i = 0; i < o.change.add.size(); ++i) {
    if (std::binary_search(o.change.remove.begin(), o.change.remove.end(), o.change.add[i])) {
      throw error(o.add_at[i], "\"" + o.change.add[i] + "\" is both added and removed");
    }
  }
  const bool blank = std::all_of(o.change.reason.begin(), o.change.reason.end(),
                                 [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
  if (blank) throw error(o.at, "no \"reason\": every override says why (a ticket, a name)");
}

}  // namespace

bool IsWriteOrPrivileged(const std::string& scope, const Catalog& catalog) {
  return EndsWith(scope, "-write") || catalog.IsPrivileged(scope);
}

// The YAML form: `version: 1`, `overrides:` a list of maps.
class Overrides::YamlLoader {
 public:
  YamlLoader(const std::string& path, const Catalog& catalog, Overrides& out)
      : file_(path), catalog_(catalog), out_(out) {}

  void Load() {
    const YAML::Node& root = file_.root();
    if (file_.IsNull(root)) throw InputError(file_.path(), 1, 1, "the overrides file is empty");
    file_.ExpectMap(root, "the overrides file", {"version", "overrides"});
    if (!root["version"]) throw file_.Error(root, "the overrides file has no \"version\" (expected 1)");
    if (file_.Int(root["version"], "version") != 1) {
      throw file_.Error(root["version"], "unsupported overrides version \"" +
                                             root["version"].Scalar() + "\" (expected 1)");
    }
    const YAML::Node list = root["overrides"];
    if (!list) throw file_.Error(root, "the overrides file has no \"overrides\"");
    if (file_.IsNull(list)) return;  // `overrides:` with nothing: none
    if (!list.IsSequence()) throw file_.Error(list, "\"overrides\" must be a list");
    for (const YAML::Node& entry : list) out_.Add(Entry(entry));
  }

 private:
  static FilePlace PlaceOf(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {1, 1};
    return {mark.line + 1, mark.column + 1};
  }

  std::vector<WrittenScope> Scopes(const YAML::Node& entry, const char* field) const {
    std::vector<WrittenScope> out;
    const YAML::Node node = entry[field];
    if (!node || file_.IsNull(node)) return out;
    if (!node.IsSequence()) throw file_.Error(node, std::string("\"") + field + "\" must be a list");
    for (const YAML::Node& item : node) {
      out.push_back({file_.String(item, std::string("a scope of \"") + field + "\""),
                     PlaceOf(item)});
    }
    return out;
  }

  Override Entry(const YAML::Node& entry) const {
    file_.ExpectMap(entry, "an override", {"key", "add", "remove", "reason", "allow_write"});
    Override o;
    if (!entry["key"]) throw file_.Error(entry, "an override has no \"key\"");
    o.key = file_.String(entry["key"], "key");
    o.at = PlaceOf(entry["key"]);
    if (o.key.empty()) throw file_.Error(entry["key"], "\"key\" is empty");
    if (entry["reason"] && !file_.IsNull(entry["reason"])) {
      o.change.reason = file_.String(entry["reason"], "reason");
    }
    if (entry["allow_write"]) o.change.allow_write = file_.Bool(entry["allow_write"], "allow_write");
    const auto error = [&](const FilePlace& at, const std::string& message) {
      return out_.Error(o, at, message);
    };
    Finish(o, Scopes(entry, "add"), Scopes(entry, "remove"), catalog_, error);
    return o;
  }

  YamlFile file_;
  const Catalog& catalog_;
  Overrides& out_;
};

// The JSON Lines form: each non-blank line one object {"key", "add", "remove", "reason",
// "allow_write"}.
class Overrides::JsonlLoader {
 public:
  JsonlLoader(const std::string& path, const Catalog& catalog, Overrides& out)
      : path_(path), catalog_(catalog), out_(out) {}

  void Load(const std::string& text) {
    size_t start = 0;
    for (int number = 1; start < text.size(); ++number) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      start = end + 1;
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      out_.Add(Entry(number, line));
    }
  }

 private:
  using Json = nlohmann::json;

  ToolError Error(int line, const std::string& message) const {
    return InputError(path_, line, 1, message);
  }

  std::string Text(int line, const Json& j, const char* field) const {
    if (!j[field].is_string()) throw Error(line, std::string("\"") + field + "\" must be a string");
    std::string value = j[field].get<std::string>();
    if (value.find('\0') != std::string::npos) {
      throw Error(line, std::string("\"") + field + "\" holds a NUL character (\\u0000)");
    }
    return value;
  }

  std::vector<WrittenScope> Scopes(int line, const Json& j, const char* field) const {
    std::vector<WrittenScope> out;
    if (!j.contains(field) || j[field].is_null()) return out;
    if (!j[field].is_array()) throw Error(line, std::string("\"") + field + "\" must be a list");
    for (const Json& item : j[field]) {
      if (!item.is_string()) throw Error(line, std::string("\"") + field + "\" must hold strings");
      out.push_back({item.get<std::string>(), {line, 1}});
    }
    return out;
  }

  Json Parse(int line, const std::string& text) const {
    try {
      Json j = Json::parse(text);
      if (!j.is_object()) throw Error(line, "an override must be a JSON object");
      return j;
    } catch (const Json::parse_error& e) {
      throw InputError(path_, line, static_cast<int>(std::min<size_t>(e.byte, text.size() + 1)),
                       "not valid JSON");
    } catch (const Json::exception&) {
      throw Error(line, "not valid JSON");
    }
  }

  Override Entry(int line, const std::string& text) const {
    const Json j = Parse(line, text);
    for (const auto& item : j.items()) {
      const std::string& name = item.key();
      if (name != "key" && name != "add" && name != "remove" && name != "reason" &&
          name != "allow_write") {
        throw Error(line, "unknown field \"" + Printable(name) +
                              "\" (an override has key, add, remove, reason, allow_write)");
      }
    }
    Override o;
    o.at = {line, 1};
    if (!j.contains("key")) throw Error(line, "an override has no \"key\"");
    o.key = Text(line, j, "key");
    if (o.key.empty()) throw Error(line, "\"key\" is empty");
    if (j.contains("reason") && !j["reason"].is_null()) o.change.reason = Text(line, j, "reason");
    if (j.contains("allow_write")) {
      if (!j["allow_write"].is_boolean()) throw Error(line, "\"allow_write\" must be true or false");
      o.change.allow_write = j["allow_write"].get<bool>();
    }
    const auto error = [&](const FilePlace& at, const std::string& message) {
      return out_.Error(o, at, message);
    };
    Finish(o, Scopes(line, j, "add"), Scopes(line, j, "remove"), catalog_, error);
    return o;
  }

  std::string path_;
  const Catalog& catalog_;
  Overrides& out_;
};

Overrides Overrides::Load(const std::string& path, const Catalog& catalog) {
  if (EndsWith(path, ".jsonl")) {
    const std::string text = ReadInputFile(path);
    Overrides out = ParseJsonl(path, text, catalog);
    return out;
  }
  Overrides out;
  out.path_ = path;
  out.sha256_ = Sha256OfFile(path);
  YamlLoader(path, catalog, out).Load();
  return out;
}

Overrides Overrides::ParseJsonl(const std::string& path, const std::string& text,
                                const Catalog& catalog) {
  Overrides out;
  out.path_ = path;
  out.sha256_ = Sha256Hex(text);
  JsonlLoader(path, catalog, out).Load(text);
  return out;
}

void Overrides::Add(Override o) {
  const auto [it, inserted] = index_.emplace(o.key, list_.size());
  if (!inserted) {
    throw Error(o, o.at,
                "the key is listed twice (first at line " +
                    std::to_string(list_[it->second].at.line) + "); merge the two overrides");
  }
  list_.push_back(std::move(o));
}

const Override* Overrides::Find(const std::string& key_id) const {
  const auto it = index_.find(key_id);
  return it == index_.end() ? nullptr : &list_[it->second];
}

std::vector<std::string> Overrides::KeyIds() const {
  std::vector<std::string> ids;
  ids.reserve(list_.size());
  for (const Override& o : list_) ids.push_back(o.key);
  return ids;
}

ToolError Overrides::Error(const Override& o, const FilePlace& at,
                           const std::string& message) const {
  return InputError(path_, at.line, at.column,
                    "override of key " + Printable(o.key) + ": " + message);
}

}  // namespace scope_migrate
