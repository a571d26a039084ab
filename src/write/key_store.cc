#include "write/key_store.h"

#include <algorithm>

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

  void Lock(pqxx::transaction_base& txn, const std::string& id_array) {
    NeedsPrivilege("UPDATE on " + l_.keys + " (only for the row locks of SELECT ... FOR UPDATE)",
                   [&] {
                     txn.exec_params("SELECT 1 FROM " + l_.keys + " k WHERE " + IdsMatch() +
                                         " ORDER BY k." + l_.id + " FOR UPDATE OF k",
                                     id_array);
                   });
  }
};

// Scopes in a table of scope rows (SPEC section 3).
class TableKeyStore : public KeyStoreBase {
 public:
  using KeyStoreBase::KeyStoreBase;

  std::vector<ValueChange> Write(pqxx::transaction_base& txn,
                                 const std::vector<const KeyChange*>& changes,
                                 const KeyStates&) override {
    Add(txn, changes);
    Remove(txn, changes);
    return {};
  }

 private:
  void Add(pqxx::transaction_base& txn, const std::vector<const KeyChange*>& changes) {
    const bool any = std::any_of(changes.begin(), changes.end(),
                                 [](const KeyChange* c) { return !c->add.empty(); });
    if (!any) return;
    // Should a scope exist after all (a layout without a foreign key), the COPY fails on
    // the primary key and the batch rolls back whole.
    NeedsPrivilege("INSERT on " + l_.scopes, [&] {
      pqxx::stream_to stream(txn, l_.scopes, std::vector<std::string>{l_.scopes_key, l_.scope});
      for (const KeyChange* change : changes) {
        for (const auto& scope : change->add) stream << std::tie(change->id, scope);
      }
      stream.complete();
    });
  }

  void Remove(pqxx::transaction_base& txn, const std::vector<const KeyChange*>& changes) {
    std::vector<std::string> keys, scopes;
    for (const KeyChange* change : changes) {
      for (const auto& scope : change->remove) {
        keys.push_back(change->id);
        scopes.push_back(scope);
      }
    }
    if (keys.empty()) return;
    const pqxx::result deleted = NeedsPrivilege("DELETE on " + l_.scopes, [&] {
      return txn.exec_params("DELETE FROM " + l_.scopes +
                                 " s USING unnest($1::text[], $2::text[]) AS t(key, scope) "
                                 "WHERE s." +
                                 l_.scopes_key + " = t.key::" + l_.scopes_key_type + " AND s." +
                                 l_.scope + " = t.scope",
                             TextArrayLiteral(keys), TextArrayLiteral(scopes));
    });
    // Row locks on the keys do not stop another session deleting scope rows: if fewer rows
    // went than expected, the audit would not match the table.
    if (deleted.affected_rows() != keys.size()) {
      throw ToolError(kExitStalePlan,
                      std::to_string(keys.size() - deleted.affected_rows()) +
                          " scopes to remove were already gone (changed since they were read)");
    }
  }
};

// Scopes in a column of the keys table (array, JSON or delimited text).
class ColumnKeyStore : public KeyStoreBase {
 public:
  using KeyStoreBase::KeyStoreBase;

  std::vector<ValueChange> Write(pqxx::transaction_base& txn,
                                 const std::vector<const KeyChange*>& changes,
                                 const KeyStates& now) override {
    std::vector<std::string> ids;
    std::vector<std::optional<std::string>> values;
    for (const KeyChange* change : changes) {
      ids.push_back(change->id);
      values.push_back(NewValue(*change, now.at(change->id)));
    }
    if (ids.empty()) return {};
    // RETURNING gives each value as stored (a jsonb or an array in the server's own text
    // form): what a rollback compares with, and what history shows.
    const pqxx::result updated =
        NeedsPrivilege("UPDATE (" + l_.scopes_column + ") on " + l_.keys, [&] {
          return txn.exec_params("UPDATE " + l_.keys + " k SET " + l_.scopes_column +
                                     " = v.value::" + l_.scopes_column_type +
                                     " FROM unnest($1::text[], $2::text[]) AS v(id, value) "
                                     "WHERE k." +
                                     l_.id + " = v.id::" + l_.id_type + " RETURNING v.id, k." +
                                     l_.scopes_column + "::text",
                                 TextArrayLiteral(ids), NullableTextArrayLiteral(values));
        });
    if (updated.affected_rows() != ids.size()) {
      throw ToolError(kExitStalePlan, std::to_string(ids.size() - updated.affected_rows()) +
                                          " keys to write were gone (changed since they were "
                                          "read)");
    }
    std::vector<ValueChange> written;
    for (const auto& row : updated) {
      const std::string id = row[0].c_str();
      written.push_back({id, now.at(id).raw_scopes, FieldText(row[1])});
    }
    return written;
  }

 private:
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
