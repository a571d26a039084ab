#include "write/change_rows.h"

#include "base/errors.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

// The recorded values of a change row `c` for rollback (nothing without the table).
std::string RecordedValueColumns(const AuditLog& audit) {
  return audit.with_values() ? "v.api_key_id IS NOT NULL, v.previous, v.written"
                             : "false, NULL, NULL";
}

std::string RecordedValueJoin(const AuditLog& audit) {
  if (!audit.with_values()) return "";
  return " LEFT JOIN " + audit.values_table() +
         " v ON v.run_id = c.run_id AND v.api_key_id = c.api_key_id";
}

}  // namespace

void RecordChanges(const AuditLog& audit, pqxx::transaction_base& txn, int64_t run_id,
                   const std::vector<KeyChange>& changes) {
  return NeedsPrivilege("INSERT on " + audit.changes_table(), [&] {
    if (changes.empty()) return;
    pqxx::stream_to stream(txn, audit.changes_table(),
                           std::vector<std::string>{"run_id", "api_key_id", "scope", "action"});
    const std::string add = "add", remove = "remove";
    for (const KeyChange& change : changes) {
      for (const auto& scope : change.add) stream << std::tie(run_id, change.id, scope, add);
      for (const auto& scope : change.remove) {
        stream << std::tie(run_id, change.id, scope, remove);
      }
    }
    stream.complete();
  });
}

void RecordValues(const AuditLog& audit, pqxx::transaction_base& txn, int64_t run_id,
                  const std::vector<ValueChange>& values) {
  if (values.empty()) return;
  NeedsPrivilege("INSERT on " + audit.values_table(), [&] {
    pqxx::stream_to stream(txn, audit.values_table(),
                           std::vector<std::string>{"run_id", "api_key_id", "previous", "written"});
    auto text = [](const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; };
    for (const ValueChange& value : values) {
      stream << std::make_tuple(run_id, value.id, text(value.previous), text(value.written));
    }
    stream.complete();
  });
}

std::vector<KeyChange> NextKeysToRevert(const AuditLog& audit, pqxx::transaction_base& txn,
                                        int64_t run_id, const std::string& after_key,
                                        size_t limit) {
  return NeedsPrivilege(
      "SELECT on " + audit.changes_table() +
          (audit.with_values() ? ", " + audit.values_table() : "") + " and " + audit.runs_table(),
      [&] {
        // Keyset pagination through the changes' primary key (run_id, api_key_id, scope); keys
        // already reverted by an earlier rollback of the run are passed over, so an
        // interrupted rollback resumes where it stopped.
        const pqxx::result rows = txn.exec_params(
            "WITH batch AS (SELECT DISTINCT c.api_key_id FROM " + audit.changes_table() +
                " c WHERE c.run_id = $1 AND c.api_key_id > $2 AND NOT EXISTS (SELECT 1 FROM " +
                audit.runs_table() + " rr JOIN " + audit.changes_table() +
                " d ON d.run_id = rr.run_id AND d.api_key_id = c.api_key_id "
                "WHERE rr.rollback_of = $1 AND rr.kind = 'rollback') ORDER BY 1 LIMIT $3) "
                "SELECT c.api_key_id, c.scope, c.action, " +
                RecordedValueColumns(audit) + " FROM " + audit.changes_table() +
                " c JOIN batch b ON b.api_key_id = c.api_key_id" + RecordedValueJoin(audit) +
                " WHERE c.run_id = $1 ORDER BY 1, 2",
            run_id, after_key, static_cast<int64_t>(limit));
        std::vector<KeyChange> keys;
        for (const auto& row : rows) {
          if (keys.empty() || keys.back().id != row[0].c_str()) {
            keys.emplace_back();
            keys.back().id = row[0].c_str();
            if (row[3].as<bool>())
              keys.back().recorded = RecordedValue{FieldText(row[4]), FieldText(row[5])};
          }
          // The reverse of what the run did: remove what it added, add back what it removed.
          auto& list = std::string(row[2].c_str()) == "add" ? keys.back().remove : keys.back().add;
          list.emplace_back(row[1].c_str());
        }
        return keys;
      });
}

std::set<std::string> TouchedLater(const AuditLog& audit, pqxx::transaction_base& txn,
                                   int64_t run_id, const std::vector<std::string>& ids) {
  return NeedsPrivilege("SELECT on " + audit.changes_table() + " and " + audit.runs_table(), [&] {
    std::set<std::string> out;
    for (const auto& row : txn.exec_params(
             "SELECT k FROM unnest($2::text[]) AS k WHERE EXISTS (SELECT 1 FROM " +
                 audit.runs_table() + " r JOIN " + audit.changes_table() +
                 " c ON c.run_id = r.run_id AND c.api_key_id = k WHERE r.run_id > $1 AND "
                 "r.kind = 'apply' AND r.status <> 'rolled-back')",
             run_id, TextArrayLiteral(ids))) {
      out.insert(row[0].c_str());
    }
    return out;
  });
}

void ForEachChange(const AuditLog& audit, pqxx::connection& conn, int64_t run_id,
                   const std::function<void(const ChangeRow&)>& visit) {
  NeedsPrivilege("SELECT on " + audit.changes_table(), [&] {
    pqxx::read_transaction txn(conn, "changes_of_run");
    SetLocalTimeouts(txn, audit.timeouts());
    pqxx::stream_from stream(txn,
                             "(SELECT api_key_id, scope, action, to_char(committed_at AT TIME "
                             "ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM " +
                                 audit.changes_table() + " WHERE run_id = " +
                                 std::to_string(run_id) + " ORDER BY api_key_id, scope)");
    std::string line;
    std::vector<std::optional<std::string>> fields;
    ChangeRow row;
    while (stream.get_raw_line(line)) {
      SplitCopyLine(line, fields);
      if (fields.size() != 4) throw RuntimeFailure("unexpected change row: " + line);
      row.api_key_id = fields[0].value_or("");
      row.scope = fields[1].value_or("");
      row.action = fields[2].value_or("");
      row.committed_at = fields[3].value_or("");
      visit(row);
    }
    stream.complete();
    txn.commit();
  });
}

int64_t KeysOfRun(const AuditLog& audit, pqxx::connection& conn, int64_t run_id) {
  return NeedsPrivilege("SELECT on " + audit.changes_table(), [&] {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, audit.timeouts());
    return txn
        .exec_params("SELECT count(DISTINCT api_key_id) FROM " + audit.changes_table() +
                         " WHERE run_id = $1",
                     run_id)[0][0]
        .as<int64_t>();
  });
}

}  // namespace scope_migrate
