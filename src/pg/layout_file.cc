#include "pg/layout_file.h"

#include <string>
#include <vector>

#include "base/errors.h"
#include "base/text_escape.h"
#include "base/yaml_util.h"

namespace scope_migrate {
namespace {

// Reads a layout file entry by entry, noting where each entry is for later messages.
class LayoutLoader {
 public:
  explicit LayoutLoader(const std::string& path) : file_(path) { layout_.source = path; }

  Layout Load() {
    const YAML::Node& root = file_.root();
    file_.ExpectMap(root, "the layout", {"keys", "roles", "scopes", "usage"});
    if (const YAML::Node keys = root["keys"]) Keys(keys);
    if (const YAML::Node roles = root["roles"]) Roles(roles);
    if (const YAML::Node scopes = root["scopes"]) Scopes(scopes);
    if (const YAML::Node usage = root["usage"]) Usage(usage);
    return std::move(layout_);
  }

 private:
  void Keys(const YAML::Node& keys) {
    file_.ExpectMap(keys, "keys",
                    {"table", "id", "tenant", "name", "created_at", "revoked_at", "timezone"});
    Text(keys, "keys", "table", layout_.keys_table);
    Text(keys, "keys", "id", layout_.key_id);
    Nullable(keys, "keys", "tenant", layout_.tenant);
    Nullable(keys, "keys", "name", layout_.name);
    Text(keys, "keys", "created_at", layout_.created_at);
    Nullable(keys, "keys", "revoked_at", layout_.revoked_at);
    Nullable(keys, "keys", "timezone", layout_.timezone);
  }

  void Roles(const YAML::Node& roles) {
    file_.ExpectMap(roles, "roles",
                    {"table", "key", "role", "names", "column", "format", "separator"});
    if (roles["column"]) {
      Exclusive(roles, "roles", {"table", "key", "role", "names"});
      layout_.roles_column = Column(roles, "roles");
      return;
    }
    Text(roles, "roles", "table", layout_.roles_table);
    Text(roles, "roles", "key", layout_.roles_key);
    Text(roles, "roles", "role", layout_.role);
    if (const YAML::Node names = roles["names"]) {
      file_.ExpectMap(names, "roles.names", {"table", "id", "name"});
      Note(names, "roles.names");
      NamesTable table;
      if (!Text(names, "roles.names", "table", table.table)) {
        throw file_.Error(names, "roles.names needs a table (and its id and name columns)");
      }
      Text(names, "roles.names", "id", table.id);
      Text(names, "roles.names", "name", table.name);
      layout_.role_names = table;
    }
    NoFormatWithoutColumn(roles, "roles");
  }

  void Scopes(const YAML::Node& scopes) {
    file_.ExpectMap(scopes, "scopes", {"table", "key", "scope", "column", "format", "separator"});
    if (scopes["column"]) {
      Exclusive(scopes, "scopes", {"table", "key", "scope"});
      layout_.scopes_column = Column(scopes, "scopes");
      return;
    }
    Text(scopes, "scopes", "table", layout_.scopes_table);
    Text(scopes, "scopes", "key", layout_.scopes_key);
    Text(scopes, "scopes", "scope", layout_.scope);
    NoFormatWithoutColumn(scopes, "scopes");
  }

  // `usage: {table, key, method, path, at, status, count, timezone}`; an empty section
  // (`usage: {}`) takes every default.
  void Usage(const YAML::Node& usage) {
    Note(usage, "usage");
    UsageTable table;
    if (!usage.IsNull()) {
      file_.ExpectMap(usage, "usage",
                      {"table", "key", "method", "path", "at", "status", "count", "timezone"});
      Text(usage, "usage", "table", table.table);
      Text(usage, "usage", "key", table.key);
      Text(usage, "usage", "method", table.method);
      Text(usage, "usage", "path", table.path);
      Text(usage, "usage", "at", table.at);
      Nullable(usage, "usage", "status", table.status);
      Nullable(usage, "usage", "count", table.count);
      Nullable(usage, "usage", "timezone", table.timezone);
    }
    layout_.usage = table;
  }

  ValueColumn Column(const YAML::Node& section, const std::string& name) {
    ValueColumn column;
    Text(section, name, "column", column.column);
    const YAML::Node format = section["format"];
    if (!format) {
      throw file_.Error(section["column"],
                        name + ".column needs a format: array, json or delimited");
    }
    Note(format, name + ".format");
    const std::string format_name = file_.String(format, name + ".format");
    const std::optional<ValueFormat> parsed = ParseFormatName(format_name);
    if (!parsed) {
      throw file_.Error(
          format, name + ".format \"" + format_name + "\" is not one of array, json, delimited");
    }
    column.format.format = *parsed;
    if (const YAML::Node separator = section["separator"]) {
      if (*parsed != ValueFormat::kDelimited) {
        throw file_.Error(separator, name + ".separator is only for format delimited");
      }
      Note(separator, name + ".separator");
      column.format.separator = file_.String(separator, name + ".separator");
      if (column.format.separator.empty()) {
        throw file_.Error(separator, name + ".separator is empty");
      }
    }
    return column;
  }

  void Exclusive(const YAML::Node& section, const std::string& name,
                 std::initializer_list<const char*> table_entries) {
    for (const char* entry : table_entries) {
      if (section[entry]) {
        throw file_.Error(section[entry], name + "." + entry + " cannot be combined with " + name +
                                              ".column: " + name +
                                              " are either rows of a table or a column of the "
                                              "keys table");
      }
    }
  }

  void NoFormatWithoutColumn(const YAML::Node& section, const std::string& name) {
    for (const char* entry : {"format", "separator"}) {
      if (section[entry]) {
        throw file_.Error(section[entry], name + "." + entry + " needs " + name + ".column");
      }
    }
  }

  bool Text(const YAML::Node& section, const std::string& name, const char* key, std::string& out) {
    if (!section[key]) return false;
    out = file_.String(section[key], key);
    if (out.empty()) throw file_.Error(section[key], std::string(key) + " is empty");
    CheckIdentifier(section[key], name + "." + key, out);
    Note(section[key], name + "." + key);
    return true;
  }

  void Nullable(const YAML::Node& section, const std::string& name, const char* key,
                std::optional<std::string>& out) {
    if (!section[key]) return;
    Note(section[key], name + "." + key);
    if (section[key].IsNull()) {
      out.reset();
      return;
    }
    out = file_.String(section[key], key);
    if (out->empty()) throw file_.Error(section[key], std::string(key) + " is empty");
    if (std::string(key) != "timezone") CheckIdentifier(section[key], name + "." + key, *out);
  }

  // A table ("schema.table": each part) or column name PostgreSQL keeps as written: no
  // control character (NUL included), at most kMaxIdentifierBytes bytes. A longer name
  // would be cut by the server and could name another column than the one written.
  void CheckIdentifier(const YAML::Node& node, const std::string& entry, const std::string& name) {
    for (char c : name) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte == 0x7F) {
        throw file_.Error(node, entry + " \"" + Printable(name) +
                                    "\" contains a control character; identifiers cannot");
      }
    }
    const bool table = entry.size() > 6 && entry.compare(entry.size() - 6, 6, ".table") == 0;
    const size_t dot = table ? name.find('.') : std::string::npos;
    for (const std::string& part :
         dot == std::string::npos
             ? std::vector<std::string>{name}
             : std::vector<std::string>{name.substr(0, dot), name.substr(dot + 1)}) {
      if (part.size() <= kMaxIdentifierBytes) continue;
      throw file_.Error(node, entry + " \"" + part + "\" is " + std::to_string(part.size()) +
                                  " bytes: PostgreSQL identifiers are at most " +
                                  std::to_string(kMaxIdentifierBytes) +
                                  " bytes (a longer one is cut and may name another column)");
    }
  }

  void Note(const YAML::Node& node, const std::string& entry) {
    const YAML::Mark mark = node.Mark();
    if (!mark.is_null()) layout_.positions[entry] = {mark.line + 1, mark.column + 1};
  }

  YamlFile file_;
  Layout layout_;
};

}  // namespace

Layout Layout::Load(const std::string& path) { return LayoutLoader(path).Load(); }

ToolError Layout::Error(const std::string& entry, const std::string& message) const {
  const auto it = positions.find(entry);
  // An entry the file left at its default has no position: name the entry instead.
  if (it == positions.end()) return InputError(source, 0, 0, entry + ": " + message);
  return InputError(source, it->second.first, it->second.second, message);
}

void CheckScopesWritable(const Layout& layout, const std::vector<std::string>& catalog) {
  if (!layout.scopes_column) return;
  for (const std::string& scope : catalog) {
    const std::string why = UnwritableItem(layout.scopes_column->format, scope);
    if (why.empty()) continue;
    const bool separator = layout.positions.count("scopes.separator") > 0;
    throw layout.Error(separator ? "scopes.separator" : "scopes.format",
                       "scope \"" + scope + "\" of the catalog " + why +
                           ": it cannot be written into scopes.column");
  }
}

}  // namespace scope_migrate
