#include "base/event_log.h"

#include <atomic>
#include <cstdio>

#include "base/text_escape.h"

namespace scope_migrate {
namespace {

std::atomic<bool> json_log{false};

}  // namespace

void SetLogFormat(LogFormat format) { json_log = format == LogFormat::kJson; }

bool JsonLog() { return json_log; }

void EmitEvent(const std::string& event, nlohmann::json fields) {
  if (!JsonLog()) return;
  nlohmann::json line = {{"event", event}};
  for (auto& [key, value] : fields.items()) line[key] = value;
  // Invalid UTF-8 in a name or message is replaced, never thrown on.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

void Note(const std::string& text) {
  if (JsonLog()) {
    EmitEvent("note", {{"message", text}});
  } else {
    std::fprintf(stderr, "note: %s\n", PrintableMessage(text).c_str());
  }
}

void Warn(const std::string& text, nlohmann::json fields) {
  if (JsonLog()) {
    fields["message"] = text;
    EmitEvent("warning", std::move(fields));
  } else {
    std::fprintf(stderr, "scope-migrate: warning: %s\n", PrintableMessage(text).c_str());
  }
}

void ReportError(int exit_code, const std::string& message) {
  if (JsonLog()) {
    EmitEvent("error", {{"exit_code", exit_code}, {"message", message}});
  } else {
    std::fprintf(stderr, "scope-migrate: %s\n", PrintableMessage(message).c_str());
  }
}

}  // namespace scope_migrate
