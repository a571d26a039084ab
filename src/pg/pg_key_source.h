// A KeySource over PostgreSQL. Read() opens one read-only REPEATABLE READ transaction, so
// the plan is one consistent snapshot and cannot write anything, checks the layout (in
// that snapshot, unless the source was made from a layout already resolved),
// counts the legacy and post-cutoff keys, then streams the legacy keys with their roles
// and scopes in id order through COPY (pqxx::stream_from). The cutoff is compared in the
// database on timestamptz. Only the layout's columns are read, never secrets. A caller that
// must read more in the same snapshot (simulate's usage table) sets AfterKeys(): it runs in
// that transaction once every key has been visited, before the commit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/key_source.h"
#include "pg/db.h"
#include "pg/layout_resolve.h"

namespace scope_migrate {

class PgKeySource : public KeySource {
 public:
  PgKeySource(pqxx::connection& conn, Layout layout, Timeouts timeouts);
  // With a layout the caller has resolved on this database already: Read() uses it as is.
  PgKeySource(pqxx::connection& conn, ResolvedLayout resolved, Timeouts timeouts);
  std::string Describe() const override { return source_; }
  SourceIdentity Identity() const override { return identity_; }
  void Read(Instant cutoff, const KeyFilter& filter, KeyVisitor& visitor) override;

  // After Read(): the keys that hold a scope twice (a scopes table without a unique index
  // on (key, scope)), the first few ids in id order and how many in all. The decision
  // counts such a scope once; apply removes every row of one it removes.
  const std::vector<std::string>& doubled_scope_keys() const { return doubled_; }
  uint64_t doubled_scope_count() const { return doubled_count_; }

  // Runs `after` in each Read()'s transaction after the last key, before the commit.
  void AfterKeys(std::function<void(pqxx::transaction_base&)> after) {
    after_keys_ = std::move(after);
  }

 private:
  pqxx::connection& conn_;
  Layout layout_;
  std::optional<ResolvedLayout> resolved_;
  Timeouts timeouts_;
  std::string source_;
  SourceIdentity identity_;
  std::vector<std::string> doubled_;
  uint64_t doubled_count_ = 0;
  std::function<void(pqxx::transaction_base&)> after_keys_;
};

// The connection's server system_identifier (pg_control_system(); empty when the role may
// not execute it) and database name, in one short transaction.
SourceIdentity ReadSourceIdentity(pqxx::connection& conn);

// The SQL of one key per row (id, tenant, name, created_at in epoch seconds, revoked, and
// the four fields of key_columns.h) for the legacy keys passing the filter, in id order.
// Values are quoted literals, names quoted identifiers.
std::string LegacyKeysQuery(pqxx::transaction_base& txn, const ResolvedLayout& layout,
                            Instant cutoff, const KeyFilter& filter);

// "AND <tenant> IN (...) AND <id>::text IN (...)" for a filter, or "".
std::string FilterSql(pqxx::transaction_base& txn, const ResolvedLayout& layout,
                      const KeyFilter& filter, const std::string& alias);

}  // namespace scope_migrate
