// A live progress line on stderr (count, rate, ETA), redrawn at most four times a second,
// only when stderr is a terminal or --progress asks for it. Never writes to stdout.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace scope_migrate {

enum class ProgressMode { kAuto, kOn, kOff };

class Progress {
 public:
  Progress(ProgressMode mode, std::string label);
  ~Progress();

  void Start(uint64_t total);
  void Update(uint64_t done, bool force = false);
  void SetNote(const std::string& note);  // e.g. "pausing 2s"; shown until cleared
  void Finish();
  bool enabled() const { return enabled_; }

 private:
  void Draw();

  bool enabled_;
  std::string label_;
  std::string note_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace scope_migrate
