#include "plan/fleet_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/errors.h"
#include "core/target_name.h"

namespace scope_migrate {
namespace {

std::string WithoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// A file a fleet plan directory holds: index.json, NAME.jsonl, or a temporary of either
// left by a plan that was killed.
bool IsFleetFile(const std::string& name) {
  std::string base = name.substr(0, name.find(".partial-"));
  if (base == "index.json") return true;
  const std::string ext = ".jsonl";
  return base.size() > ext.size() && base.compare(base.size() - ext.size(), ext.size(), ext) == 0 &&
         IsTargetName(base.substr(0, base.size() - ext.size()));
}

// The entries of `dir` but "." and "..".
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) {
    throw RuntimeFailure("cannot read the directory " + dir + ": " + std::strerror(errno));
  }
  while (const dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(handle);
  return names;
}

// Whose files apply will trust: this user's (or root's, for a parent such as /).
std::string OwnershipProblem(const std::string& what, const struct stat& info, bool root_ok) {
  if (info.st_uid != geteuid() && !(root_ok && info.st_uid == 0)) {
    return what + " is owned by another user (uid " + std::to_string(info.st_uid) +
           "), who could change the plans after review";
  }
  const bool sticky = (info.st_mode & S_ISVTX) != 0;
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !(root_ok && sticky)) {
    return what + " can be written by group or others (mode " + Octal(info.st_mode) +
           "), who could change the plans after review";
  }
  return "";
}

std::string ParentProblem(const std::string& dir) {
  const std::string parent = ParentOf(dir);
  struct stat info {};
  if (stat(parent.c_str(), &info) != 0) {
    return "the directory that would hold " + dir + ", " + parent + ", cannot be read: " +
           std::strerror(errno);
  }
  return OwnershipProblem("the directory holding " + dir + ", " + parent + ",", info, true);
}

// Removes the fleet files in `dir` (and only those), then `dir` itself.
void RemoveFleetDir(const std::string& dir) {
  for (const std::string& name : Entries(dir)) {
    if (IsFleetFile(name)) unlink((dir + "/" + name).c_str());
  }
  rmdir(dir.c_str());
}

void SyncDirectory(const std::string& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

}  // namespace

std::string FleetDirProblem(const std::string& path) {
  const std::string dir = WithoutTrailingSlashes(path);
  struct stat info {};
  if (lstat(dir.c_str(), &info) != 0) {
    return errno == ENOENT ? ParentProblem(dir) : dir + ": " + std::strerror(errno);
  }
  if (S_ISLNK(info.st_mode)) return dir + " is a symbolic link; give --out the directory itself";
  if (!S_ISDIR(info.st_mode)) return dir + " is not a directory";
  std::string problem = OwnershipProblem(dir, info, false);
  if (!problem.empty()) return problem;
  for (const std::string& name : Entries(dir)) {
    if (!IsFleetFile(name)) {
      return dir + " holds " + name +
             ", which is not part of a fleet plan (the directory is replaced as a whole)";
    }
  }
  return ParentProblem(dir);
}

FleetPlanDir::FleetPlanDir(std::string dir) : dir_(WithoutTrailingSlashes(std::move(dir))) {
  const std::string problem = FleetDirProblem(dir_);
  if (!problem.empty()) {
    throw UsageError(problem + "; give --out a new directory, or one only you can write that "
                               "holds nothing but a fleet plan");
  }
  std::string name = ParentOf(dir_) + "/." + BaseName(dir_) + ".new-XXXXXX";
  if (mkdtemp(name.data()) == nullptr) {
    throw RuntimeFailure("cannot create a directory beside " + dir_ + ": " +
                         std::strerror(errno));
  }
  staging_ = name;
}

FleetPlanDir::~FleetPlanDir() {
  if (!committed_) RemoveFleetDir(staging_);
}

std::string FleetPlanDir::Untouched() const {
  struct stat info {};
  return dir_ + (lstat(dir_.c_str(), &info) == 0 ? " was left as it was" : " was not created");
}

void FleetPlanDir::Commit() {
  struct stat info {};
  const bool exists = lstat(dir_.c_str(), &info) == 0;
  const int flags = exists ? RENAME_EXCHANGE : RENAME_NOREPLACE;
  if (renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, dir_.c_str(), flags) != 0) {
    throw RuntimeFailure("cannot put the new fleet plan in place of " + dir_ + ": " +
                         std::strerror(errno) + "; " + dir_ + " was left as it was");
  }
  committed_ = true;
  SyncDirectory(ParentOf(dir_));
  if (exists) RemoveFleetDir(staging_);  // the old plan, now under the staging name
}

}  // namespace scope_migrate
