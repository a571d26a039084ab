// Batches sized by time (SPEC 11.1, --batch-time): how many keys the next batch of a worker
// takes, and what a batch does after it timed out waiting for a lock. Pure functions of the
// numbers they are given (no clock, no database), so the tests feed them directly and the
// batch loop only measures and obeys.
//
// Sizing: a worker starts at FirstBatchSize (small, so the first batch cannot hold its locks
// long) and after each committed batch scales the size by target / measured duration, by at
// most a factor of 2 either way (one slow batch, e.g. a checkpoint, does not collapse the
// size, and a fast one does not overshoot), always between 1 and --batch-size.
//
// Lock timeouts (SQLSTATE 55P03): the batch is rolled back whole and tried again after a
// growing pause, first at the same size, then halving it; after kLockAttempts failed
// attempts in a row the run stops (exit 1). A committed batch starts the count afresh.
#pragma once

#include <cstddef>
#include <cstdint>

namespace scope_migrate {

constexpr int64_t kDefaultBatchTimeMs = 200;
constexpr size_t kFirstBatchSize = 50;

// The size of a worker's first batch.
size_t FirstBatchSize(size_t max_size);

// The size of the next batch after one of `size` keys took `elapsed_ms` against a target of
// `target_ms`. `target_ms` <= 0 turns sizing off: always `max_size`.
size_t NextBatchSize(size_t size, double elapsed_ms, int64_t target_ms, size_t max_size);

// After the `failures`-th lock timeout in a row (1-based) of a batch of `size` keys.
struct LockRetry {
  bool give_up = false;
  int64_t wait_ms = 0;  // before the next attempt
  size_t size = 0;      // keys in the next attempt (the rest follow in later batches)
};
constexpr int kLockAttempts = 6;      // attempts of one batch before the run stops
constexpr int kSameSizeAttempts = 3;  // of which at the batch's own size
LockRetry AfterLockTimeout(int failures, size_t size);

}  // namespace scope_migrate
