// Per-key overrides (SPEC 12.2): the file `--overrides FILE` names, one exception to the
// mapping per key (scopes to add, scopes to remove, the reason, and whether a write or
// privileged scope may be added to a key whose roles are all read-only). YAML
// (`version: 1` and an `overrides:` list) or, when the name ends in ".jsonl", JSON Lines
// with one override object a line (blank lines skipped), for large machine-written files.
// Load() checks what the file alone can tell: the shape (unknown fields are errors), each
// scope a catalog name (UPPER_SNAKE spellings normalised), no scope twice in a list or in
// both lists, something to add or remove, a reason, no key listed twice. What depends on
// the key (a legacy key of the source, not blocked, the override changes something, a
// read-only key needs allow_write) is the decision's (decision.h: CheckOverride). Every
// error throws ToolError(65) at FILE:LINE:COL (yaml-cpp's marks; for JSON Lines the line,
// and the byte of a syntax error); the file is read as every input is (base/yaml_util.h:
// regular file, size cap, UTF-8, one document, bounded aliases). A loaded file is valid
// and immutable.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "base/errors.h"
#include "core/catalog.h"

namespace scope_migrate {

// What an override says about its key, as a plan's key line carries it.
struct KeyOverride {
  std::vector<std::string> add, remove;  // sorted, unique, disjoint catalog names
  std::string reason;                    // never empty
  bool allow_write = false;

  bool operator==(const KeyOverride& o) const {
    return add == o.add && remove == o.remove && reason == o.reason &&
           allow_write == o.allow_write;
  }
  bool operator!=(const KeyOverride& o) const { return !(*this == o); }
};

// A place in the overrides file, 1-based.
struct FilePlace {
  int line = 0, column = 0;
};

struct Override {
  std::string key;  // the key id as text
  KeyOverride change;
  FilePlace at;                        // the entry (its "key")
  std::vector<FilePlace> add_at;       // each scope of change.add, in its (sorted) order
  std::vector<FilePlace> remove_at;    // each scope of change.remove
};

class Overrides {
 public:
  static Overrides Load(const std::string& path, const Catalog& catalog);
  // The JSON Lines form from `text` instead of a file (tests, the fuzz target); `path`
  // names it in errors.
  static Overrides ParseJsonl(const std::string& path, const std::string& text,
                              const Catalog& catalog);

  const std::string& path() const { return path_; }
  const std::string& sha256() const { return sha256_; }
  const std::vector<Override>& list() const { return list_; }  // in file order
  // The override of `key_id`, or nullptr.
  const Override* Find(const std::string& key_id) const;
  // Every key id with an override, in file order (a source's --key filter for reading them).
  std::vector<std::string> KeyIds() const;

  // ToolError(65) at the place, with "override of key ID: " before `message`.
  ToolError Error(const Override& o, const FilePlace& at, const std::string& message) const;

 private:
  class YamlLoader;
  class JsonlLoader;
  void Add(Override o);

  std::string path_;
  std::string sha256_;
  std::vector<Override> list_;
  std::unordered_map<std::string, size_t> index_;
};

// A scope an override may add to a read-only key only with allow_write: a "-write" scope or
// a privileged one.
bool IsWriteOrPrivileged(const std::string& scope, const Catalog& catalog);

}  // namespace scope_migrate
