#include "write/stop_reason.h"

#include "pg/db.h"
#include "write/interrupt.h"

namespace scope_migrate {
namespace {

StopReason SqlFailure(const DbError& e, const std::string& where, bool interrupted) {
  const std::string& state = e.sqlstate;
  if (interrupted) {
    return {RunStatus::kInterrupted,
            ToolError(kExitInterrupted, std::string("stopped by ") + InterruptGuard::SignalName() +
                                            " (second signal: " + where +
                                            " was cancelled and rolled back whole)")};
  }
  std::string message;
  if (state == "55P03") {
    message = where +
              " waited longer than --lock-timeout for a lock held by another session and was "
              "rolled back whole (SQLSTATE 55P03)";
  } else if (state == "57014") {
    message =
        where + " ran longer than --statement-timeout and was rolled back whole (SQLSTATE 57014)";
  } else {
    message = where + " failed and was rolled back whole (SQLSTATE " + state + "): " + e.message;
  }
  return {RunStatus::kFailed, RuntimeFailure(message)};
}

}  // namespace

StopReason ClassifyFailure(const std::exception& failure, size_t batch,
                           const std::string& first_key, bool interrupted) {
  const std::string where = "batch " + std::to_string(batch) + " starting at key " + first_key;
  if (const auto* tool = dynamic_cast<const ToolError*>(&failure)) {
    switch (tool->exit_code()) {
      case kExitInterrupted:
        return {RunStatus::kInterrupted, *tool};
      case kExitStalePlan:
        return {RunStatus::kStale, ToolError(kExitStalePlan, where + ": " + tool->what())};
      case kExitLocked:
      case kExitNotApproved:  // an approval revoked during the run
        return {RunStatus::kInterrupted,
                ToolError(tool->exit_code(), where + ": " + tool->what())};
      default:
        return {RunStatus::kFailed, ToolError(tool->exit_code(), where + ": " + tool->what())};
    }
  }
  const DbError db = ClassifyDbError(failure);
  switch (db.kind) {
    case DbErrorKind::kInDoubt:
      return {RunStatus::kFailed,
              RuntimeFailure("the connection broke while committing " + where +
                             ": whether it committed is unknown (" + db.message + ")")};
    case DbErrorKind::kConnectionLost:
      return {RunStatus::kFailed,
              RuntimeFailure("lost the connection to PostgreSQL during " + where +
                             "; the batch in flight was rolled back (" + db.message + ")")};
    case DbErrorKind::kSql:
      return SqlFailure(db, where, interrupted);
    default:
      return {RunStatus::kFailed,
              RuntimeFailure(where + " failed with an unexpected error: " + db.message)};
  }
}

ToolError WithAdvice(const ToolError& error, const std::string& stale_advice,
                     const std::string& resume_hint) {
  switch (error.exit_code()) {
    case kExitStalePlan:
      return ToolError(
          error.exit_code(),
          std::string(error.what()) + "; nothing was written from this batch on. " + stale_advice);
    case kExitLocked:
      return ToolError(error.exit_code(), std::string(error.what()) + "; committed batches stay");
    default:
      return ToolError(
          error.exit_code(),
          std::string(error.what()) + "; committed batches stay. Resume with: " + resume_hint);
  }
}

}  // namespace scope_migrate
