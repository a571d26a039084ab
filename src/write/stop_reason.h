// How a run that stops early ends: each way a batch can fail (stale, lock or statement
// timeout, interrupt, lost connection, commit in doubt, anything else) mapped to one run
// status for the runs table and one error (exit code and message) for the person.
#pragma once

#include <exception>
#include <string>

#include "base/errors.h"
#include "write/run_rows.h"

namespace scope_migrate {

// How a batch failure ends the run: the run status for the runs table and the error
// (exit code and message) for the person. `batch` and `first_key` name where it happened;
// `interrupted`: a signal had been received.
struct StopReason {
  RunStatus status;
  ToolError error;
};
StopReason ClassifyFailure(const std::exception& failure, size_t batch,
                           const std::string& first_key, bool interrupted);

// The error of a stopped run with what to do next, for the person: after a stale stop
// `stale_advice`, after a lost lease nothing more, after anything else that committed
// batches stay and the command that resumes.
ToolError WithAdvice(const ToolError& error, const std::string& stale_advice,
                     const std::string& resume_hint);

}  // namespace scope_migrate
