#include "key_store.h"

#include <algorithm>

#include "db.h"
#include "errors.h"
#include "pg_text.h"

namespace scope_migrate {
namespace {

// Roles in a table of role rows, scopes in a table of scope rows (SPEC section 3).
class TableKeyStore : public KeyStore {
 public:
  explicit TableKeyStore(const ResolvedLayout& layout) : l_(layout) {}

  KeyStates Read(pqxx::transaction_base& txn, const std::vector<std::string>& ids,
                 bool lock) override {
    const std::string id_array = TextArrayLiteral(ids);
    if (lock) Lock(txn, id_array);
    const pqxx::result rows =
        NeedsPrivilege("SELECT on " + l_.keys + ", " + l_.roles + " and " + l_.scopes, [&] {
          return txn.exec_params("SELECT k." + l_.id + "::text, k." + l_.revoked_at +
                                     " IS NOT NULL, ARRAY(SELECT r." + l_.role + "::text FROM " +
                                     l_.roles + " r WHERE r." + l_.roles_key + " = k." + l_.id +
                                     "), ARRAY(SELECT s." + l_.scope + "::text FROM " + l_.scopes +
                                     " s WHERE s." + l_.scopes_key + " = k." + l_.id + ") FROM " +
                                     l_.keys + " k WHERE " + IdsMatch(),
                                 id_array);
        });
    KeyStates states;
    for (const auto& row : rows) {
      KeyState state;
      state.revoked = row[1].as<bool>();
      state.roles = ParseTextArray(row[2].c_str());
      std::sort(state.roles.begin(), state.roles.end());
      state.scopes = ParseTextArray(row[3].c_str());
      std::sort(state.scopes.begin(), state.scopes.end());
      states.emplace(row[0].c_str(), std::move(state));
    }
    return states;
  }

  void Write(pqxx::transaction_base& txn, const std::vector<const KeyChange*>& changes) override {
    Add(txn, changes);
    Remove(txn, changes);
  }

 private:
  std::string IdsMatch() const { return "k." + l_.id + " = ANY($1::" + l_.id_type + "[])"; }

  void Lock(pqxx::transaction_base& txn, const std::string& id_array) {
    NeedsPrivilege("UPDATE on " + l_.keys + " (only for the row locks of SELECT ... FOR UPDATE)",
                   [&] {
                     txn.exec_params("SELECT 1 FROM " + l_.keys + " k WHERE " + IdsMatch() +
                                         " ORDER BY k." + l_.id + " FOR UPDATE OF k",
                                     id_array);
                   });
  }

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

  const ResolvedLayout l_;
};

}  // namespace

std::unique_ptr<KeyStore> MakeKeyStore(const ResolvedLayout& layout) {
  return std::make_unique<TableKeyStore>(layout);
}

}  // namespace scope_migrate
