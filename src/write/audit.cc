#include "write/audit.h"

#include <algorithm>

#include "base/errors.h"
#include "base/version.h"
#include "pg/db.h"
#include "pg/pg_text.h"

namespace scope_migrate {
namespace {

std::string Col(const pqxx::field& f) { return f.is_null() ? "" : f.c_str(); }

RunRow ToRun(const pqxx::row& r) {
  static const std::pair<const char*, std::string RunRow::*> kTexts[] = {
      {"kind", &RunRow::kind},
      {"status", &RunRow::status},
      {"started_at", &RunRow::started_at},
      {"finished_at", &RunRow::finished_at},
      {"operator", &RunRow::operator_name},
      {"host", &RunRow::host},
      {"tool_version", &RunRow::tool_version},
      {"mapping_sha256", &RunRow::mapping_sha256},
      {"plan_sha256", &RunRow::plan_sha256},
      {"cutoff", &RunRow::cutoff},
      {"filter", &RunRow::filter},
      {"message", &RunRow::message},
      {"host_id", &RunRow::host_id},
      {"tool_commit", &RunRow::tool_commit},
      {"heartbeat_at", &RunRow::heartbeat_at},
      {"last_batch_at", &RunRow::last_batch_at}};
  static const std::pair<const char*, int64_t RunRow::*> kNumbers[] = {
      {"keys_changed", &RunRow::keys_changed},
      {"scopes_added", &RunRow::scopes_added},
      {"scopes_removed", &RunRow::scopes_removed},
      {"pid", &RunRow::pid}};
  static const std::pair<const char*, std::optional<int64_t> RunRow::*> kOptional[] = {
      {"rolled_back_by", &RunRow::rolled_back_by},
      {"rollback_of", &RunRow::rollback_of},
      {"taken_over_by", &RunRow::taken_over_by}};
  RunRow run;
  run.run_id = r["run_id"].as<int64_t>();
  for (const auto& [column, member] : kTexts) run.*member = Col(r[column]);
  for (const auto& [column, member] : kNumbers) run.*member = r[column].as<int64_t>(0);
  for (const auto& [column, member] : kOptional) {
    if (!r[column].is_null()) run.*member = r[column].as<int64_t>();
  }
  run.heartbeat_age_s = r["heartbeat_age"].as<double>(0);
  return run;
}

// Every column of the audit tables: name and type. The first list is the first version's
// (CREATE TABLE); columns added since come after it and are added with ADD COLUMN.
struct Column {
  const char* name;
  const char* type;
};

const Column kRunsTable[] = {{"run_id", "bigint PRIMARY KEY"},
                             {"kind", "text NOT NULL"},
                             {"status", "text NOT NULL"},
                             {"started_at", "timestamptz NOT NULL DEFAULT now()"},
                             {"finished_at", "timestamptz"},
                             {"operator", "text"},
                             {"host", "text"},
                             {"tool_version", "text"},
                             {"mapping_sha256", "text"},
                             {"plan_sha256", "text"},
                             {"cutoff", "timestamptz"},
                             {"keys_changed", "bigint NOT NULL DEFAULT 0"},
                             {"scopes_added", "bigint NOT NULL DEFAULT 0"},
                             {"scopes_removed", "bigint NOT NULL DEFAULT 0"},
                             {"rolled_back_by", "bigint"},
                             {"rollback_of", "bigint"},
                             {"filter", "text"},
                             {"message", "text"},
                             {"last_batch_at", "timestamptz"}};
const Column kRunsAddedSince[] = {{"pid", "bigint"},
                                  {"host_id", "text"},
                                  {"heartbeat_at", "timestamptz"},
                                  {"taken_over_by", "bigint"},
                                  {"tool_commit", "text"}};
const Column kChangesTable[] = {{"run_id", "bigint NOT NULL"},
                                {"api_key_id", "text NOT NULL"},
                                {"scope", "text NOT NULL"},
                                {"action", "text NOT NULL CHECK (action IN ('add', 'remove'))"},
                                {"committed_at", "timestamptz NOT NULL DEFAULT now()"}};
// Added in 0.3: the values written into a scopes column (layouts with scopes.column).
const Column kValuesTable[] = {{"run_id", "bigint NOT NULL"},
                               {"api_key_id", "text NOT NULL"},
                               {"previous", "text"},
                               {"written", "text"},
                               {"committed_at", "timestamptz NOT NULL DEFAULT now()"}};

template <size_t N>
std::string ColumnList(const Column (&columns)[N]) {
  std::string out;
  for (const Column& c : columns) {
    out += std::string(out.empty() ? "" : ", ") + c.name + " " + c.type;
  }
  return out;
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

ToolError LostLease(int64_t run_id) {
  return ToolError(kExitLocked, "run " + std::to_string(run_id) +
                                    " lost its lease: another run took it over (its heartbeat "
                                    "was older than --lock-lease); see `scope-migrate history`");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> RunFields(const RunRow& r) {
  auto number = [](int64_t n) { return std::to_string(n); };
  auto optional = [](const std::optional<int64_t>& n) { return n ? std::to_string(*n) : ""; };
  return {{"run_id", number(r.run_id)},
          {"kind", r.kind},
          {"status", r.status},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"operator", r.operator_name},
          {"host", r.host},
          {"host_id", r.host_id},
          {"pid", r.pid ? number(r.pid) : ""},
          {"tool_version", r.tool_version},
          {"tool_commit", r.tool_commit},
          {"mapping_sha256", r.mapping_sha256},
          {"plan_sha256", r.plan_sha256},
          {"cutoff", r.cutoff},
          {"filter", r.filter},
          {"keys_changed", number(r.keys_changed)},
          {"scopes_added", number(r.scopes_added)},
          {"scopes_removed", number(r.scopes_removed)},
          {"rolled_back_by", optional(r.rolled_back_by)},
          {"rollback_of", optional(r.rollback_of)},
          {"taken_over_by", optional(r.taken_over_by)},
          {"heartbeat_at", r.heartbeat_at},
          {"last_batch_at", r.last_batch_at},
          {"message", r.message}};
}

AuditLog::AuditLog(const std::string& schema, const Timeouts& timeouts, bool with_values)
    : schema_(schema),
      quoted_schema_(QuoteIdentifier(schema)),
      timeouts_(timeouts),
      with_values_(with_values) {
  runs_ = quoted_schema_ + "." + QuoteIdentifier("scope_migration_runs");
  changes_ = quoted_schema_ + "." + QuoteIdentifier("scope_migration_changes");
  values_ = quoted_schema_ + "." + QuoteIdentifier("scope_migration_values");
}

bool AuditLog::Exists(pqxx::connection& conn) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  const pqxx::result r =
      txn.exec("SELECT to_regclass(" + txn.quote(runs_) + ") IS NOT NULL AND to_regclass(" +
               txn.quote(changes_) + ") IS NOT NULL");
  return r[0][0].as<bool>();
}

std::vector<std::string> AuditLog::CreateStatements(bool with_schema) const {
  std::vector<std::string> out;
  if (with_schema) out.push_back("CREATE SCHEMA IF NOT EXISTS " + quoted_schema_);
  out.push_back("CREATE TABLE IF NOT EXISTS " + runs_ + " (" + ColumnList(kRunsTable) + ")");
  for (const Column& c : kRunsAddedSince) {
    out.push_back("ALTER TABLE " + runs_ + " ADD COLUMN IF NOT EXISTS " + c.name + " " + c.type);
  }
  out.push_back("CREATE TABLE IF NOT EXISTS " + changes_ + " (" + ColumnList(kChangesTable) +
                ", PRIMARY KEY (run_id, api_key_id, scope))");
  out.push_back("CREATE TABLE IF NOT EXISTS " + values_ + " (" + ColumnList(kValuesTable) +
                ", PRIMARY KEY (run_id, api_key_id))");
  return out;
}

// "table T" or "column T.C" for each part of the audit tables that does not exist.
std::vector<std::string> AuditLog::MissingColumns(pqxx::connection& conn) const {
  pqxx::read_transaction txn(conn);
  SetLocalTimeouts(txn, timeouts_);
  std::vector<std::string> missing;
  auto check = [&](const std::string& table, auto begin, auto end) {
    const pqxx::result r = txn.exec_params(
        "SELECT array_agg(attname::text) FROM pg_attribute WHERE attrelid = to_regclass($1) "
        "AND attnum > 0 AND NOT attisdropped",
        table);
    if (r[0][0].is_null()) {
      missing.push_back("table " + table);
      return;
    }
    const auto have = ParseTextArray(r[0][0].c_str());
    for (auto c = begin; c != end; ++c) {
      if (std::find(have.begin(), have.end(), c->name) == have.end()) {
        missing.push_back("column " + table + "." + c->name);
      }
    }
  };
  check(runs_, std::begin(kRunsTable), std::end(kRunsTable));
  if (missing.empty() || missing[0] != "table " + runs_) {
    check(runs_, std::begin(kRunsAddedSince), std::end(kRunsAddedSince));
  }
  check(changes_, std::begin(kChangesTable), std::end(kChangesTable));
  if (with_values_) check(values_, std::begin(kValuesTable), std::end(kValuesTable));
  return missing;
}

void AuditLog::EnsureTables(pqxx::connection& conn) const {
  const std::vector<std::string> missing = MissingColumns(conn);
  if (missing.empty()) return;  // pre-created: nothing to create, no CREATE privilege needed
  pqxx::work txn(conn, "audit_tables");
  SetLocalTimeouts(txn, timeouts_);
  // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists.
  const bool schema_exists =
      txn.exec_params("SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema_)[0][0]
          .as<int>() > 0;
  try {
    for (const std::string& statement : CreateStatements(!schema_exists)) txn.exec(statement);
    txn.commit();
    run_select_list_.clear();  // the runs table may have new columns
  } catch (const pqxx::insufficient_privilege& e) {
    std::string parts;
    for (const auto& part : missing) parts += (parts.empty() ? "" : ", ") + part;
    throw RuntimeFailure("the audit tables need creating (" + parts + ") and this role may not (" +
                         FirstLine(e.what()) +
                         ", SQLSTATE 42501). Have a DBA run the output of `scope-migrate "
                         "audit-sql --audit-schema " +
                         schema_ + " --grant-to ROLE` once, then run this again");
  }
}

std::string AuditLog::RunSelectList(pqxx::transaction_base& txn) const {
  if (!run_select_list_.empty()) return run_select_list_;
  const pqxx::result r = txn.exec_params(
      "SELECT array_agg(attname::text) FROM pg_attribute WHERE attrelid = to_regclass($1) AND "
      "attnum > 0 AND NOT attisdropped",
      runs_);
  const auto have =
      r[0][0].is_null() ? std::vector<std::string>{} : ParseTextArray(r[0][0].c_str());
  auto has = [&have](const std::string& name) {
    return std::find(have.begin(), have.end(), name) != have.end();
  };
  // Tables of the first version lack the columns added since: read them as NULL.
  auto column = [&has](const std::string& name) { return has(name) ? name : "NULL AS " + name; };
  auto utc = [&has](const std::string& name) {
    return has(name) ? "to_char(" + name +
                           " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS " + name
                     : "NULL::text AS " + name;
  };
  std::string list =
      "run_id, kind, status, operator, host, tool_version, mapping_sha256, "
      "plan_sha256, filter, message, keys_changed, scopes_added, scopes_removed, "
      "rolled_back_by, rollback_of";
  for (const char* name : {"host_id", "pid", "tool_commit", "taken_over_by"}) {
    list += ", " + column(name);
  }
  for (const char* name :
       {"started_at", "finished_at", "cutoff", "heartbeat_at", "last_batch_at"}) {
    list += ", " + utc(name);
  }
  list += ", extract(epoch FROM clock_timestamp() - coalesce(" +
          std::string(has("heartbeat_at") ? "heartbeat_at, " : "") +
          "last_batch_at, started_at))::float8 AS heartbeat_age";
  run_select_list_ = list;
  return list;
}

void AuditLog::LockForNewRun(pqxx::transaction_base& txn) const {
  return NeedsPrivilege("UPDATE on " + runs_ + " (LOCK TABLE ... IN EXCLUSIVE MODE)",
                        [&] { txn.exec("LOCK TABLE " + runs_ + " IN EXCLUSIVE MODE"); });
}

std::vector<RunRow> AuditLog::RunningRuns(pqxx::transaction_base& txn) const {
  return NeedsPrivilege("SELECT on " + runs_, [&] {
    std::vector<RunRow> out;
    for (const auto& row : txn.exec("SELECT " + RunSelectList(txn) + " FROM " + runs_ +
                                    " WHERE status = 'running' ORDER BY run_id DESC")) {
      out.push_back(ToRun(row));
    }
    return out;
  });
}

void AuditLog::MarkTakenOver(pqxx::transaction_base& txn, int64_t old_run, int64_t new_run,
                             const std::string& reason) const {
  return NeedsPrivilege("UPDATE on " + runs_, [&] {
    txn.exec_params("UPDATE " + runs_ +
                        " SET status = 'interrupted', taken_over_by = $2, "
                        "finished_at = coalesce(finished_at, clock_timestamp()), message = $3 "
                        "WHERE run_id = $1 AND status = 'running'",
                    old_run, new_run, reason);
  });
}

int64_t AuditLog::InsertRunningRun(pqxx::transaction_base& txn, const RunStart& s,
                                   const ProcessIdentity& who) const {
  return NeedsPrivilege("INSERT on " + runs_, [&] {
    const int64_t run_id =
        txn.exec("SELECT coalesce(max(run_id), 0) + 1 FROM " + runs_)[0][0].as<int64_t>();
    txn.exec_params(
        "INSERT INTO " + runs_ +
            " (run_id, kind, status, started_at, heartbeat_at, operator, host, host_id, pid, "
            "tool_version, tool_commit, mapping_sha256, plan_sha256, cutoff, filter, rollback_of) "
            "VALUES ($1, $2, 'running', clock_timestamp(), clock_timestamp(), $3, $4, $5, $6, $7, "
            "$8, $9, $10, nullif($11, '')::timestamptz, nullif($12, ''), $13)",
        run_id, s.kind, s.operator_name, who.host, who.host_id, who.pid, std::string(ToolVersion()),
        std::string(ToolCommit()), s.mapping_sha256, s.plan_sha256, s.cutoff, s.filter,
        s.rollback_of ? std::to_string(*s.rollback_of).c_str() : nullptr);
    return run_id;
  });
}

void AuditLog::Heartbeat(pqxx::connection& conn, int64_t run_id) const {
  return NeedsPrivilege("UPDATE on " + runs_, [&] {
    pqxx::work txn(conn, "heartbeat");
    SetLocalTimeouts(txn, timeouts_);
    const pqxx::result r = txn.exec_params("UPDATE " + runs_ +
                                               " SET heartbeat_at = clock_timestamp() "
                                               "WHERE run_id = $1 AND status = 'running'",
                                           run_id);
    if (r.affected_rows() != 1) throw LostLease(run_id);
    txn.commit();
  });
}

void AuditLog::FinishRun(pqxx::connection& conn, int64_t run_id, const std::string& status,
                         const std::string& message) const {
  return NeedsPrivilege("UPDATE on " + runs_, [&] {
    pqxx::work txn(conn, "finish_run");
    SetLocalTimeouts(txn, timeouts_);
    txn.exec_params(
        "UPDATE " + runs_ +
            " SET status = $2, finished_at = clock_timestamp(), message = nullif($3, '') "
            "WHERE run_id = $1 AND status = 'running'",
        run_id, status, message);
    txn.commit();
  });
}

void AuditLog::FinishRollback(pqxx::connection& conn, int64_t rollback, int64_t original) const {
  return NeedsPrivilege("UPDATE on " + runs_, [&] {
    pqxx::work txn(conn, "finish_rollback");
    SetLocalTimeouts(txn, timeouts_);
    const pqxx::result r = txn.exec_params("UPDATE " + runs_ +
                                               " SET status = 'succeeded', finished_at = "
                                               "clock_timestamp() WHERE run_id = $1 AND status = "
                                               "'running'",
                                           rollback);
    if (r.affected_rows() != 1) throw LostLease(rollback);
    txn.exec_params(
        "UPDATE " + runs_ + " SET status = 'rolled-back', rolled_back_by = $2 WHERE run_id = $1",
        original, rollback);
    txn.commit();
  });
}

std::optional<RunRow> AuditLog::FindRun(pqxx::connection& conn, int64_t run_id) const {
  return NeedsPrivilege("SELECT on " + runs_, [&]() -> std::optional<RunRow> {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, timeouts_);
    const pqxx::result r = txn.exec_params(
        "SELECT " + RunSelectList(txn) + " FROM " + runs_ + " WHERE run_id = $1", run_id);
    if (r.empty()) return std::nullopt;
    return ToRun(r[0]);
  });
}

std::vector<RunRow> AuditLog::History(pqxx::connection& conn) const {
  return NeedsPrivilege("SELECT on " + runs_, [&] {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, timeouts_);
    std::vector<RunRow> out;
    for (const auto& row :
         txn.exec("SELECT " + RunSelectList(txn) + " FROM " + runs_ + " ORDER BY run_id DESC")) {
      out.push_back(ToRun(row));
    }
    return out;
  });
}

std::vector<RunRow> AuditLog::RunsOfPlan(pqxx::connection& conn,
                                         const std::string& plan_sha256) const {
  return NeedsPrivilege("SELECT on " + runs_, [&] {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, timeouts_);
    std::vector<RunRow> out;
    for (const auto& row : txn.exec_params("SELECT " + RunSelectList(txn) + " FROM " + runs_ +
                                               " WHERE kind = 'apply' AND plan_sha256 = $1 "
                                               "ORDER BY run_id DESC",
                                           plan_sha256)) {
      out.push_back(ToRun(row));
    }
    return out;
  });
}

void AuditLog::RecordChanges(pqxx::transaction_base& txn, int64_t run_id,
                             const std::vector<const KeyChange*>& changes) const {
  return NeedsPrivilege("INSERT on " + changes_, [&] {
    if (changes.empty()) return;
    pqxx::stream_to stream(txn, changes_,
                           std::vector<std::string>{"run_id", "api_key_id", "scope", "action"});
    const std::string add = "add", remove = "remove";
    for (const KeyChange* change : changes) {
      for (const auto& scope : change->add) stream << std::tie(run_id, change->id, scope, add);
      for (const auto& scope : change->remove) {
        stream << std::tie(run_id, change->id, scope, remove);
      }
    }
    stream.complete();
  });
}

void AuditLog::RecordValues(pqxx::transaction_base& txn, int64_t run_id,
                            const std::vector<ValueChange>& values) const {
  if (values.empty()) return;
  NeedsPrivilege("INSERT on " + values_, [&] {
    pqxx::stream_to stream(txn, values_,
                           std::vector<std::string>{"run_id", "api_key_id", "previous", "written"});
    auto text = [](const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; };
    for (const ValueChange& value : values) {
      stream << std::make_tuple(run_id, value.id, text(value.previous), text(value.written));
    }
    stream.complete();
  });
}

void AuditLog::RecordBatch(pqxx::transaction_base& txn, int64_t run_id,
                           const BatchCounts& counts) const {
  return NeedsPrivilege("UPDATE on " + runs_, [&] {
    const pqxx::result r = txn.exec_params(
        "UPDATE " + runs_ +
            " SET keys_changed = keys_changed + $2, scopes_added = scopes_added + $3, "
            "scopes_removed = scopes_removed + $4, last_batch_at = clock_timestamp(), "
            "heartbeat_at = clock_timestamp() WHERE run_id = $1 AND status = 'running'",
        run_id, static_cast<int64_t>(counts.keys), static_cast<int64_t>(counts.added),
        static_cast<int64_t>(counts.removed));
    if (r.affected_rows() != 1) throw LostLease(run_id);
  });
}

std::string AuditLog::RecordedValueColumns() const {
  return with_values_ ? "v.api_key_id IS NOT NULL, v.previous, v.written" : "false, NULL, NULL";
}

std::string AuditLog::RecordedValueJoin() const {
  if (!with_values_) return "";
  return " LEFT JOIN " + values_ + " v ON v.run_id = c.run_id AND v.api_key_id = c.api_key_id";
}

std::vector<KeyChange> AuditLog::NextKeysToRevert(pqxx::transaction_base& txn, int64_t run_id,
                                                  const std::string& after_key,
                                                  size_t limit) const {
  return NeedsPrivilege(
      "SELECT on " + changes_ + (with_values_ ? ", " + values_ : "") + " and " + runs_, [&] {
        // Keyset pagination through the changes' primary key (run_id, api_key_id, scope); keys
        // already reverted by an earlier rollback of the run are passed over, so an
        // interrupted rollback resumes where it stopped.
        const pqxx::result rows = txn.exec_params(
            "WITH batch AS (SELECT DISTINCT c.api_key_id FROM " + changes_ +
                " c WHERE c.run_id = $1 AND c.api_key_id > $2 AND NOT EXISTS (SELECT 1 FROM " +
                runs_ + " rr JOIN " + changes_ +
                " d ON d.run_id = rr.run_id AND d.api_key_id = c.api_key_id "
                "WHERE rr.rollback_of = $1 AND rr.kind = 'rollback') ORDER BY 1 LIMIT $3) "
                "SELECT c.api_key_id, c.scope, c.action, " +
                RecordedValueColumns() + " FROM " + changes_ +
                " c JOIN batch b ON b.api_key_id = c.api_key_id" + RecordedValueJoin() +
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

std::set<std::string> AuditLog::TouchedLater(pqxx::transaction_base& txn, int64_t run_id,
                                             const std::vector<std::string>& ids) const {
  return NeedsPrivilege("SELECT on " + changes_ + " and " + runs_, [&] {
    std::set<std::string> out;
    for (const auto& row : txn.exec_params(
             "SELECT k FROM unnest($2::text[]) AS k WHERE EXISTS (SELECT 1 FROM " + runs_ +
                 " r JOIN " + changes_ +
                 " c ON c.run_id = r.run_id AND c.api_key_id = k WHERE r.run_id > $1 AND "
                 "r.kind = 'apply' AND r.status <> 'rolled-back')",
             run_id, TextArrayLiteral(ids))) {
      out.insert(row[0].c_str());
    }
    return out;
  });
}

void AuditLog::ForEachChange(pqxx::connection& conn, int64_t run_id,
                             const std::function<void(const ChangeRow&)>& visit) const {
  NeedsPrivilege("SELECT on " + changes_, [&] {
    pqxx::read_transaction txn(conn, "changes_of_run");
    SetLocalTimeouts(txn, timeouts_);
    pqxx::stream_from stream(txn,
                             "(SELECT api_key_id, scope, action, to_char(committed_at AT TIME "
                             "ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM " +
                                 changes_ + " WHERE run_id = " + std::to_string(run_id) +
                                 " ORDER BY api_key_id, scope)");
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

int64_t AuditLog::KeysOfRun(pqxx::connection& conn, int64_t run_id) const {
  return NeedsPrivilege("SELECT on " + changes_, [&] {
    pqxx::read_transaction txn(conn);
    SetLocalTimeouts(txn, timeouts_);
    return txn
        .exec_params("SELECT count(DISTINCT api_key_id) FROM " + changes_ + " WHERE run_id = $1",
                     run_id)[0][0]
        .as<int64_t>();
  });
}

}  // namespace scope_migrate
