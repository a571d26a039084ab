// --log-format: the status lines the tool writes on stderr (progress, notes, throttling,
// errors) as text for people (the default) or, with --log-format json, as one JSON object
// per line for log shippers: {"event":"run_started",...}, "batch_committed", "progress",
// "throttled", "paused", "resumed", "note", "warning", "run_finished", "error". In JSON mode
// nothing else is written on stderr. The format is chosen once, before any line is written, and is
// the process's (there is one stderr); each event is one write of one whole line.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace scope_migrate {

enum class LogFormat { kText, kJson };

void SetLogFormat(LogFormat format);
bool JsonLog();

// {"event":EVENT, ...fields} on a line of its own on stderr; in text mode nothing.
void EmitEvent(const std::string& event, nlohmann::json fields = nlohmann::json::object());

// "note: TEXT" in text mode, {"event":"note","message":TEXT} in JSON mode. In text mode
// TEXT is written through PrintableMessage (text_escape.h): a name or a database's message
// in it (a trigger's RAISE text, say) cannot forge a line or send escape sequences; the
// tool's own continuation lines (indented by two spaces) stay lines.
void Note(const std::string& text);

// A warning: "scope-migrate: warning: TEXT" (through PrintableMessage) in text mode,
// {"event":"warning","message":TEXT, ...fields} in JSON mode.
void Warn(const std::string& text, nlohmann::json fields = nlohmann::json::object());

// An error the command ends with: "scope-migrate: MESSAGE" (through PrintableMessage, as
// for Note) or {"event":"error","exit_code":CODE,"message":MESSAGE}.
void ReportError(int exit_code, const std::string& message);

}  // namespace scope_migrate
