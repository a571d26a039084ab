#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace scope_migrate {

Progress::Progress(ProgressMode mode, std::string label)
    : enabled_(mode == ProgressMode::kOn || (mode == ProgressMode::kAuto && isatty(STDERR_FILENO))),
      label_(std::move(label)) {}

Progress::~Progress() { Finish(); }

void Progress::Start(uint64_t total) {
  total_ = total;
  done_ = 0;
  start_ = std::chrono::steady_clock::now();
  last_draw_ = start_ - std::chrono::seconds(1);
}

void Progress::Update(uint64_t done, bool force) {
  done_ = done;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  Draw();
}

void Progress::SetNote(const std::string& note) {
  note_ = note;
  if (enabled_) Draw();
}

void Progress::Draw() {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? done_ / seconds : 0;
  char eta[32] = "--";
  if (rate > 0 && total_ >= done_) {
    const long left = static_cast<long>((total_ - done_) / rate);
    std::snprintf(eta, sizeof eta, "%ld:%02ld", left / 60, left % 60);
  }
  std::fprintf(stderr, "\r\033[K%s %llu/%llu keys  %.0f keys/s  ETA %s%s%s", label_.c_str(),
               static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
               rate, eta, note_.empty() ? "" : "  ", note_.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  if (!enabled_ || !drawn_) return;
  Draw();
  std::fputc('\n', stderr);
  drawn_ = false;
}

}  // namespace scope_migrate
