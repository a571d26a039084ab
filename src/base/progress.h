// Progress of a long run on stderr (count, rate, ETA, batch), never on stdout. On a
// terminal (or with --progress) one line is redrawn in place at most four times a second.
// When stderr is not a terminal (nohup, tee, a CI log) and --progress asks for it, a plain
// line is written every --progress-every (default 5s) and once at the end, with no
// control characters, so a log shows an hour-long apply moving. With --log-format json
// (event_log.h) each line is a {"event":"progress",...} object instead.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace scope_migrate {

enum class ProgressMode { kAuto, kOn, kOff };

class Progress {
 public:
  // `log_every_ms`: the interval of plain lines when stderr is not a terminal.
  Progress(ProgressMode mode, std::string label, int64_t log_every_ms = 5000);
  ~Progress();

  void Start(uint64_t total);
  // `batches`: committed so far (0: not shown); `batch`: how the last one went, e.g.
  // "380 keys in 190ms" ("" keeps the one before).
  void Update(uint64_t done, bool force = false, uint64_t batches = 0,
              const std::string& batch = "");
  void SetNote(const std::string& note);  // e.g. "pausing 2s"; shown until cleared
  // A line of its own on stderr, whether progress is shown or not (a status change the
  // person must see, e.g. "throttled: ..."); on a terminal the progress line is redrawn.
  void Say(const std::string& line);
  void Finish();
  bool enabled() const { return enabled_; }

  // The status line: "apply 120/31000 keys (0.4%)  40 keys/s  ETA 12:55  batch 12 (10 keys in
  // 180ms)  pausing 2s".
  static std::string Line(const std::string& label, uint64_t done, uint64_t total, double seconds,
                          uint64_t batches, const std::string& note, const std::string& batch = "");

 private:
  void Draw();

  bool enabled_;
  bool terminal_;
  std::string label_;
  std::string note_;
  std::string batch_;
  std::chrono::milliseconds log_every_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  uint64_t batches_ = 0;
  bool drawn_ = false;
  uint64_t drawn_done_ = UINT64_MAX;  // the count of the last line drawn
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace scope_migrate
