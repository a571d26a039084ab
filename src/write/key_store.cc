#include "write/key_store.h"

#include <algorithm>
#include <map>

#include "base/errors.h"
#include "base/string_lists.h"
#include "pg/column_format.h"
#include "pg/db.h"
#include "pg/key_columns.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

// Reading and locking, the same for every shape (key_columns.h).
class KeyStoreBase : public KeyStore {
 public:
  explicit KeyStoreBase(const ResolvedLayout& layout) : l_(layout) {}

  KeyStates Read(pqxx::transaction_base& txn, const std::vector<std::string>& ids,
                 bool lock) override {
    const std::string id_array = TextArrayLiteral(ids);
    if (lock) Lock(txn, id_array);
    const KeyColumnsSql columns = RolesAndScopesSql(l_, Reach::kEachKey, true);
    const pqxx::result rows = NeedsPrivilege("SELECT on " + ReadObjects(l_), [&] {
      return txn.exec_params("SELECT k." + l_.id + "::text, " + l_.revoked + ", " + columns.select +
                                 " FROM " + l_.keys + " k" + columns.joins + " WHERE " + IdsMatch(),
                             id_array);
    });
    KeyStates states;
    for (const auto& row : rows) states.emplace(row[0].c_str(), State(row));
    return states;
  }

 protected:
  std::string IdsMatch() const { return "k." + l_.id + " = ANY($1::" + l_.id_type + "[])"; }

  const ResolvedLayout l_;

 private:
  KeyState State(const pqxx::row& row) const {
    KeyState state;
    state.revoked = row[1].as<bool>();
    state.unreadable = ReadRoles(l_, FieldText(row[2]), FieldText(row[3]), state.roles);
    std::sort(state.roles.begin(), state.roles.end());
    // A scopes column keeps its items in stored order too, to compute the new value from.
    const bool column = l_.scopes_shape == Shape::kColumn;
    const std::optional<std::string> scopes = FieldText(row[4]);
    const std::string scopes_error =
        ReadScopes(l_, scopes, column ? state.scope_items : state.scopes);
    if (state.unreadable.empty()) state.unreadable = scopes_error;
    if (column) {
      state.scopes = state.scope_items;
      const bool array = l_.scopes_format.format == ValueFormat::kArray;
      state.raw_scopes = array ? FieldText(row[5]) : scopes;
    }
    state.scopes = SortedUnique(std::move(state.scopes));
    return state;
  }

  // FOR KEY SHARE: the key cannot be deleted under the batch, and nothing else waits.
  void Lock(pqxx::transaction_base& txn, const std::string& id_array) {
    NeedsPrivilege("UPDATE on " + l_.keys + " (only for the row locks of SELECT ... FOR KEY SHARE)",
                   [&] {
                     txn.exec_params("SELECT 1 FROM " + l_.keys + " k WHERE " + IdsMatch() +
                                         " ORDER BY k." + l_.id + " FOR KEY SHARE OF k",
                                     id_array);
                   });
  }
};

// (key, scope) pairs, one per scope of each change's `add` or `remove`.
struct Pairs {
  std::vector<std::string> keys, scopes;
};

// Scopes in a table of scope rows (SPEC section 3).
class TableKeyStore : public KeyStoreBase {
 public:
  using KeyStoreBase::KeyStoreBase;

  WriteResult Write(pqxx::transaction_base& txn, const std::vector<const KeyChange*>& changes,
                    const KeyStates&) override {
    std::map<std::string, KeyChange> done;  // by key id: what the statements changed
    const Pairs add = PairsOf(changes, &KeyChange::add);
    const Pairs remove = PairsOf(changes, &KeyChange::remove);
    if (!add.keys.empty()) Insert(txn, add, done);
    if (!remove.keys.empty()) Delete(txn, remove, done);
    WriteResult result;
    for (const KeyChange* change : changes) {
      const auto it = done.find(change->id);
      if (it == done.end()) continue;
      KeyChange& changed = it->second;
      changed.id = change->id;
      changed.line = change->line;
      // A scopes table without a unique (key, scope) index can hold a scope twice: the
      // DELETE returns both rows, but the key lost one scope (counted and audited once).
      changed.add = SortedUnique(std::move(changed.add));
      changed.remove = SortedUnique(std::move(changed.remove));
      result.changed.push_back(std::move(changed));
    }
    return result;
  }

 private:
  static Pairs PairsOf(const std::vector<const KeyChange*>& changes,
                       std::vector<std::string> KeyChange::*list) {
    Pairs pairs;
    for (const KeyChange* change : changes) {
      for (const auto& scope : change->*list) {
        pairs.keys.push_back(change->id);
        pairs.scopes.push_back(scope);
      }
    }
    return pairs;
  }

  std::string PairsTable() const { return "unnest($1::text[], $2::text[]) AS t(key, scope)"; }

  // A scope the application inserted first (committed before, or while the INSERT waited
  // on it) is not returned: not the tool's add.
  void Insert(pqxx::transaction_base& txn, const Pairs& add,
              std::map<std::string, KeyChange>& done) {
    const pqxx::result rows = NeedsPrivilege("INSERT on " + l_.scopes, [&] {
      return txn.exec_params("INSERT INTO " + l_.scopes + " (" + l_.scopes_key + ", " + l_.scope +
                                 ") SELECT t.key::" + l_.scopes_key_type + ", t.scope FROM " +
                                 PairsTable() + " ON CONFLICT DO NOTHING RETURNING " +
                                 l_.scopes_key + "::text, " + l_.scope + "::text",
                             TextArrayLiteral(add.keys), TextArrayLiteral(add.scopes));
    });
    for (const auto& row : rows) done[row[0].c_str()].add.push_back(row[1].c_str());
    if (rows.size() != add.keys.size()) ExpectAll(txn, add, true);
  }

  // A scope the application deleted first is not returned: not the tool's removal.
  void Delete(pqxx::transaction_base& txn, const Pairs& remove,
              std::map<std::string, KeyChange>& done) {
    const pqxx::result rows = NeedsPrivilege("DELETE on " + l_.scopes, [&] {
      return txn.exec_params("DELETE FROM " + l_.scopes + " s USING " + PairsTable() + " WHERE s." +
                                 l_.scopes_key + " = t.key::" + l_.scopes_key_type + " AND s." +
                                 l_.scope + " = t.scope RETURNING s." + l_.scopes_key +
                                 "::text, s." + l_.scope + "::text",
                             TextArrayLiteral(remove.keys), TextArrayLiteral(remove.scopes));
    });
    for (const auto& row : rows) done[row[0].c_str()].remove.push_back(row[1].c_str());
    if (rows.size() != remove.keys.size()) ExpectAll(txn, remove, false);
  }

  // Fewer rows changed than asked is fine when the others are already as wanted (the
  // application got there first); a row still there after the DELETE, or still missing
  // after the INSERT (a trigger or rule kept it), leaves the key neither as planned nor as
  // found: stale, and the batch rolls back.
  void ExpectAll(pqxx::transaction_base& txn, const Pairs& pairs, bool present) {
    const pqxx::result r = txn.exec_params(
        "SELECT count(*) FROM " + PairsTable() + " WHERE " + (present ? "NOT " : "") +
            "EXISTS (SELECT 1 FROM " + l_.scopes + " s WHERE s." + l_.scopes_key +
            " = t.key::" + l_.scopes_key_type + " AND s." + l_.scope + " = t.scope)",
        TextArrayLiteral(pairs.keys), TextArrayLiteral(pairs.scopes));
    const int64_t wrong = r[0][0].as<int64_t>();
    if (wrong == 0) return;
    throw ToolError(kExitStalePlan, std::to_string(wrong) +
                                        (present ? " scopes to add are still missing after "
                                                   "the INSERT"
                                                 : " scopes to remove are still there after "
                                                   "the DELETE") +
                                        " (a trigger or rule on " + l_.scopes + " kept them)");
  }
};

// Scopes in a column of the keys table (array, JSON or delimited text).
class ColumnKeyStore : public KeyStoreBase {
 public:
  using KeyStoreBase::KeyStoreBase;

  WriteResult Write(pqxx::transaction_base& txn, const std::vector<const KeyChange*>& changes,
                    const KeyStates& now) override {
    std::vector<std::string> ids;
    std::vector<std::optional<std::string>> values, read;
    for (const KeyChange* change : changes) {
      ids.push_back(change->id);
      values.push_back(NewValue(*change, now.at(change->id)));
      read.push_back(now.at(change->id).raw_scopes);
    }
    if (ids.empty()) return {};
    const pqxx::result updated = Update(txn, ids, values, read);
    if (updated.affected_rows() != ids.size()) {
      throw ToolError(kExitStalePlan, std::to_string(ids.size() - updated.affected_rows()) +
                                          " keys to write changed since they were read (their "
                                          "scopes column or the key itself)");
    }
    WriteResult result;
    for (const KeyChange* change : changes) result.changed.push_back(*change);
    for (const auto& row : updated) {
      const std::string id = row[0].c_str();
      result.values.push_back({id, now.at(id).raw_scopes, FieldText(row[1])});
    }
    return result;
  }

 private:
  // Only where the column still holds the value read: an application change committed
  // since (the UPDATE waits for one in flight, then re-checks) is never overwritten.
  // RETURNING gives each value as stored (a jsonb or an array in the server's own text
  // form): what a rollback compares with, and what history shows.
  pqxx::result Update(pqxx::transaction_base& txn, const std::vector<std::string>& ids,
                      const std::vector<std::optional<std::string>>& values,
                      const std::vector<std::optional<std::string>>& read) {
    return NeedsPrivilege("UPDATE (" + l_.scopes_column + ") on " + l_.keys, [&] {
      return txn.exec_params(
          "UPDATE " + l_.keys + " k SET " + l_.scopes_column +
              " = v.value::" + l_.scopes_column_type +
              " FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, value, read) WHERE k." +
              l_.id + " = v.id::" + l_.id_type + " AND k." + l_.scopes_column +
              "::text IS NOT DISTINCT FROM v.read RETURNING v.id, k." + l_.scopes_column + "::text",
          TextArrayLiteral(ids), NullableTextArrayLiteral(values), NullableTextArrayLiteral(read));
    });
  }

  std::optional<std::string> NewValue(const KeyChange& change, const KeyState& state) const {
    // A rollback of a key still holding what its run wrote: the value before, exactly.
    if (change.recorded && state.raw_scopes == change.recorded->written) {
      return change.recorded->previous;
    }
    // `add` is sorted by name: the catalog's order.
    return EditColumnValue(l_.scopes_format, state.raw_scopes, state.scope_items, change.add,
                           change.remove);
  }
};

}  // namespace

std::unique_ptr<KeyStore> MakeKeyStore(const ResolvedLayout& layout) {
  if (layout.scopes_shape == Shape::kColumn) return std::make_unique<ColumnKeyStore>(layout);
  return std::make_unique<TableKeyStore>(layout);
}

}  // namespace scope_migrate
