// The one error type every floor below the command line throws. It carries the SPEC exit
// code and a message a person can act on: FILE:LINE:COL for input files, the key id for a
// key, the SQLSTATE and the statement's purpose for a database error. The command line
// (cli.cc) prints the message on stderr and exits with the code; a command that ends
// without an error returns its own exit code.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "base/exit_codes.h"

namespace scope_migrate {

// Where in an input file an error is (for CI annotations); line and column 1-based, 0 when
// unknown; an empty file when the error is not about an input file.
struct ErrorPlace {
  std::string file;
  int line = 0, column = 0;
  std::string reason;  // the message without its FILE:LINE:COL prefix
};

class ToolError : public std::runtime_error {
 public:
  ToolError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  ToolError(int exit_code, const std::string& message, ErrorPlace place)
      : std::runtime_error(message), exit_code_(exit_code), place_(std::move(place)) {}
  int exit_code() const { return exit_code_; }
  const ErrorPlace& place() const { return place_; }

 private:
  int exit_code_;
  ErrorPlace place_;
};

// An error in an input file at a 1-based line and column (0 means unknown).
inline ToolError InputError(const std::string& file, int line, int column,
                            const std::string& message) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column > 0 ? column : 1);
  return ToolError(kExitInvalidInput, where + ": " + message,
                   ErrorPlace{file, line, line > 0 && column <= 0 ? 1 : column, message});
}

inline ToolError UsageError(const std::string& message) { return ToolError(kExitUsage, message); }

inline ToolError RuntimeFailure(const std::string& message) {
  return ToolError(kExitFailure, message);
}

}  // namespace scope_migrate
