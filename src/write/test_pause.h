// A pause point in the batch loop for the interleaving tests only (tests/db/
// interleavings_db_test.cc), so that an application transaction can act "during" a batch
// deterministically. It does nothing unless the environment variable
// SCOPE_MIGRATE_TEST_PAUSE_DIR names a directory (read once per process; never set it in
// production). Then, at point NAME ("read": the batch's keys are locked and read, nothing
// written yet; "write": everything written and audited, not yet committed), if the file
// DIR/NAME exists, the worker creates DIR/NAME.reached and waits, holding its transaction
// and locks, until DIR/NAME is removed. docs/production.md describes it.
#pragma once

namespace scope_migrate {

void TestPausePoint(const char* name);

}  // namespace scope_migrate
