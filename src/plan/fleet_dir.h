// The directory `plan --targets F --out DIR` writes (SPEC.md 12.3, 12.5): replaced as a
// whole or left untouched, and only where no other user can change what apply will read.
//
// The constructor checks DIR before anything is planned: when it exists it must be a real
// directory (not a symbolic link) that this user owns, that neither group nor others can
// write, and that holds nothing but a fleet plan (index.json and NAME.jsonl files, so that
// replacing it never deletes a user's other files); DIR's parent must be owned by this user
// or root and writable by no one else unless sticky (as /tmp). Any of these is ToolError 64
// naming DIR and what to do. It then makes a staging directory beside DIR
// (".DIR.new-XXXXXX", mode 0700) into which the plans and the index are written.
//
// Commit() puts the staging directory in DIR's place in one rename (an exchange with the
// old DIR, whose fleet files are then removed): a reader sees the old fleet plan or the
// new one, never a new index beside a stale plan. Without Commit() the destructor removes
// the staging directory and DIR stays as it was. Failures of the file system are ToolError 1.
#pragma once

#include <string>

namespace scope_migrate {

class FleetPlanDir {
 public:
  explicit FleetPlanDir(std::string dir);
  ~FleetPlanDir();
  FleetPlanDir(const FleetPlanDir&) = delete;
  FleetPlanDir& operator=(const FleetPlanDir&) = delete;

  const std::string& dir() const { return dir_; }
  const std::string& staging() const { return staging_; }  // where to write the files
  // What became of DIR without Commit(): "DIR was left as it was" or "DIR was not created".
  std::string Untouched() const;

  void Commit();

 private:
  std::string dir_, staging_;
  bool committed_ = false;
};

// Why `dir` cannot hold a fleet plan this user writes ("" when it can): checks of the
// constructor, on DIR only (for tests and `plan --out DIR` alike).
std::string FleetDirProblem(const std::string& dir);

}  // namespace scope_migrate
