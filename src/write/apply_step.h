// Apply as a step of the batch loop (batch_runner.h): the batches are the plan file's
// "change" keys in id order, and a key is written only when the write rule
// (write_rules.h) says it is still as planned. A key already in its planned final state
// was written by an earlier run of this plan and is passed over; any other key that
// changed stops the run as stale (exit 4) before its batch writes anything. The blocked
// keys of the plan are collected for the report (apply refuses them unless
// --allow-blocked, and then leaves them alone).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "plan/plan_reader.h"
#include "write/batch_runner.h"

namespace scope_migrate {

class ApplyStep : public WriteStep {
 public:
  explicit ApplyStep(const PlanFile& plan) : cursor_(plan) {}

  bool Next(pqxx::connection& conn, size_t limit, Batch& batch) override;
  Selection Select(pqxx::transaction_base& txn, const Batch& batch, const KeyStates& now) override;

  // The blocked keys met so far (id, reason), the first 50.
  const std::vector<std::pair<std::string, std::string>>& blocked() const { return blocked_; }

 private:
  PlanFile::Cursor cursor_;
  std::vector<std::pair<std::string, std::string>> blocked_;
};

// The closing lines of apply: the blocked keys left alone, then what the run did.
void PrintApplyReport(std::ostream& out, int64_t run_id, const std::string& filter,
                      uint64_t blocked_total, const ApplyStep& step, const RunEnd& end);

}  // namespace scope_migrate
