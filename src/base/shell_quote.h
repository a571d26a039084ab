// Quoting for POSIX sh, so a printed command (the "Resume with:" hint) can be pasted into
// a shell and run as exactly the arguments it shows, and never runs anything else.
// An argument made only of characters no shell treats specially ([A-Za-z0-9_@%+=:,./-])
// is written bare; any other is single-quoted with ' written as '\''. An argument holding
// a control character (below 0x20, or 0x7F) is written as $'...' with \xHH escapes
// (dollar-single-quotes: POSIX.1-2024, bash, zsh, ksh), so no newline or escape sequence
// reaches the terminal or the paste.
#pragma once

#include <string>
#include <vector>

namespace scope_migrate {

std::string ShellQuote(const std::string& arg);

// The arguments quoted one by one and joined with single spaces.
std::string ShellCommand(const std::vector<std::string>& args);

}  // namespace scope_migrate
