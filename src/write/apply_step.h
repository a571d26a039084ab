// Apply as a step of the batch loop (batch_runner.h): the batches are the plan file's
// "change" keys in id order, and a key is written only when the write rule
// (write_rules.h) says it is still as planned. A key already in its planned final state
// was written by an earlier run of this plan and is passed over; any other key that
// changed stops the run as stale (exit 4) before its batch writes anything. The blocked
// keys of the plan are collected for the report (apply refuses them unless
// --allow-blocked, and then leaves them alone).
//
// Passing over written keys (a resume): given a KeyStore, Next() first reads the state of
// the next kPassOverChunk keys in one statement of a read-only transaction of its own, with
// no row lock, and passes over those already in their planned final state before any batch
// is formed: they cost a read, never a batch, --pause, --max-rate or a health check
// (Batch::passed_over counts them). It goes on checking while at least a quarter of a chunk
// was already written, so a fresh run pays one read of its first chunk and a resume reads
// at the plan's pace up to where the interrupted run stopped. Passing a key over without its
// lock is the same outcome as finding it done under the lock: nothing is written for it. A
// key changed since the plan is left to its batch, which stops the run as stale under the
// lock, as before.
#pragma once

#include <deque>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "base/timeouts.h"
#include "plan/plan_reader.h"
#include "write/batch_runner.h"

namespace scope_migrate {

constexpr size_t kPassOverChunk = 2000;  // keys checked by one read when passing over

class ApplyStep : public WriteStep {
 public:
  // `pass_over`: the store to check keys with before batching (null: every key goes to a
  // batch, as --single-transaction needs, whose connection holds its one transaction).
  ApplyStep(const PlanFile& plan, KeyStore* pass_over, const Timeouts& timeouts)
      : cursor_(plan), pass_over_(pass_over), timeouts_(timeouts) {}

  bool Next(pqxx::connection& conn, size_t limit, Batch& batch) override;
  Selection Select(pqxx::transaction_base& txn, const Batch& batch, const KeyStates& now) override;

  // The blocked keys met so far (id, reason), the first 50.
  const std::vector<std::pair<std::string, std::string>>& blocked() const { return blocked_; }

 private:
  // Reads the next change keys into ready_ (a chunk when checking), passing over in `batch`
  // those already written; false at the end of the plan.
  bool Refill(pqxx::connection& conn, size_t want, Batch& batch);
  void PassOverWritten(pqxx::connection& conn, std::vector<KeyChange>& keys, Batch& batch);

  PlanFile::Cursor cursor_;
  KeyStore* pass_over_;  // null once checking stopped paying off
  Timeouts timeouts_;
  std::deque<KeyChange> ready_;  // read, checked, not yet in a batch
  std::vector<std::pair<std::string, std::string>> blocked_;
};

// The closing lines of apply: the blocked keys left alone, then what the run did.
void PrintApplyReport(std::ostream& out, int64_t run_id, const std::string& filter,
                      uint64_t blocked_total, const ApplyStep& step, const RunEnd& end);

}  // namespace scope_migrate
