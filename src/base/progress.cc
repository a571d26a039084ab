#include "base/progress.h"

#include <unistd.h>

#include <cstdio>

#include "base/event_log.h"
#include "base/text_escape.h"

namespace scope_migrate {

Progress::Progress(ProgressMode mode, std::string label, int64_t log_every_ms)
    : terminal_(isatty(STDERR_FILENO) != 0 && !JsonLog()),
      label_(std::move(label)),
      log_every_(log_every_ms) {
  enabled_ = mode == ProgressMode::kOn || (mode == ProgressMode::kAuto && terminal_);
}

Progress::~Progress() { Finish(); }

void Progress::Start(uint64_t total) {
  total_ = total;
  done_ = 0;
  batches_ = 0;
  batch_.clear();
  start_ = std::chrono::steady_clock::now();
  last_draw_ = terminal_ ? start_ - std::chrono::seconds(1) : start_;
}

void Progress::Update(uint64_t done, bool force, uint64_t batches, const std::string& batch) {
  done_ = done;
  if (batches > 0) batches_ = batches;
  if (!batch.empty()) batch_ = batch;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const auto interval = terminal_ ? std::chrono::milliseconds(250) : log_every_;
  if ((!force || !terminal_) && now - last_draw_ < interval) return;
  last_draw_ = now;
  Draw();
}

void Progress::SetNote(const std::string& note) {
  note_ = note;
  if (!enabled_) return;
  if (terminal_) {
    Draw();
  } else if (!note.empty()) {
    Update(done_);
  }
}

void Progress::Say(const std::string& line) {
  if (JsonLog()) return EmitEvent("note", {{"message", line}});
  if (terminal_ && drawn_) std::fputs("\r\033[K", stderr);
  std::fprintf(stderr, "scope-migrate: %s\n", Printable(line).c_str());
  if (enabled_ && terminal_ && drawn_) Draw();
  std::fflush(stderr);
}

std::string Progress::Line(const std::string& label, uint64_t done, uint64_t total, double seconds,
                           uint64_t batches, const std::string& note, const std::string& batch) {
  const double rate = seconds > 0 ? done / seconds : 0;
  char eta[32] = "--";
  if (rate > 0 && total >= done) {
    const long left = static_cast<long>((total - done) / rate);
    std::snprintf(eta, sizeof eta, "%ld:%02ld", left / 60, left % 60);
  }
  char line[256];
  std::snprintf(line, sizeof line, "%s %llu/%llu keys (%.1f%%)  %.0f keys/s  ETA %s", label.c_str(),
                static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                total > 0 ? 100.0 * done / total : 100.0, rate, eta);
  std::string out = line;
  if (batches > 0) {
    out += "  batch " + std::to_string(batches) + (batch.empty() ? "" : " (" + batch + ")");
  }
  if (!note.empty()) out += "  " + note;
  return out;
}

void Progress::Draw() {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  drawn_ = true;
  drawn_done_ = done_;
  if (JsonLog()) {
    return EmitEvent("progress", {{"label", label_},
                                  {"done", done_},
                                  {"total", total_},
                                  {"seconds", seconds},
                                  {"batches", batches_},
                                  {"note", note_}});
  }
  const std::string line = Line(label_, done_, total_, seconds, batches_, note_, batch_);
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

void Progress::Finish() {
  if (!enabled_ || (!drawn_ && terminal_)) return;
  if (!drawn_ && done_ == 0 && total_ == 0) return;
  // In a log the last line already says it all when nothing was done since.
  if (!terminal_ && drawn_ && drawn_done_ == done_ && note_.empty()) {
    enabled_ = false;
    return;
  }
  note_.clear();
  Draw();
  if (terminal_) std::fputc('\n', stderr);
  drawn_ = false;
  enabled_ = false;  // once
}

}  // namespace scope_migrate
