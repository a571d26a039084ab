// Exit codes of scope-migrate, exactly as SPEC.md section 7 fixes them. Scripts and CI
// jobs branch on these numbers, so they never change meaning.
#pragma once

namespace scope_migrate {

enum ExitCode : int {
  kExitOk = 0,              // success; plan --detailed-exitcode: nothing pending or blocked
  kExitFailure = 1,         // runtime failure (database, I/O) or verify mismatches
  kExitChangesPending = 2,  // plan --detailed-exitcode: changes pending, nothing blocked
  kExitBlocked = 3,         // blocked keys exist
  kExitStalePlan = 4,       // a key changed since the plan; nothing written from that batch on
  kExitLocked = 5,          // another run holds the lock
  kExitFilterMatchedNothing = 6,  // a --tenant or --key value matched no key (not in SPEC 7)
  kExitNotApproved = 7,           // apply: fewer approvals of this plan than required
  kExitBreaking = 8,              // observed traffic would be denied (SPEC 12.1), lint --endpoints
  kExitUsage = 64,                // unknown flag, missing or conflicting arguments
  kExitInvalidInput = 65,         // invalid mapping, catalog, layout, fixture or plan file
  kExitInterrupted = 130,         // SIGINT/SIGTERM; committed batches stay, a re-run resumes
};

}  // namespace scope_migrate
