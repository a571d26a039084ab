#include "support/db_util.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace scope_migrate::testing {

std::set<std::string> ScopesOf(pqxx::connection& conn, const std::string& key_id) {
  pqxx::read_transaction txn(conn);
  std::set<std::string> out;
  for (const auto& row :
       txn.exec_params("SELECT scope FROM api_key_scopes WHERE api_key_id::text = $1", key_id)) {
    out.insert(row[0].c_str());
  }
  return out;
}

long long Count(pqxx::connection& conn, const std::string& sql) {
  pqxx::read_transaction txn(conn);
  return txn.exec(sql)[0][0].as<long long>();
}

std::string DataDigest(pqxx::connection& conn) {
  pqxx::read_transaction txn(conn);
  return txn
      .exec(
          "SELECT md5((SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM "
          "api_keys t) || '#' || "
          "(SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM api_key_roles t) "
          "|| '#' || "
          "(SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM api_key_scopes t))")
          [0][0]
      .c_str();
}

std::string AllTablesDigest(pqxx::connection& conn) {
  pqxx::work txn(conn);
  std::string all;
  for (const auto& row : txn.exec(
           "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname NOT IN "
           "('pg_catalog', 'information_schema') ORDER BY 1")) {
    const std::string table = row[0].c_str();
    all += table + "=" +
           txn.exec("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM " +
                    table + " t")[0][0]
               .c_str() +
           ";";
  }
  return all;
}

void ExecSql(pqxx::connection& conn, const std::string& sql) {
  pqxx::work txn(conn);
  txn.exec(sql);
  txn.commit();
}

std::map<std::string, std::set<std::string>> PlannedFinalScopes(const std::string& plan_path) {
  std::map<std::string, std::set<std::string>> out;
  std::istringstream in(ReadFile(plan_path));
  std::string line;
  bool prune = false;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j.at("type") == "header") prune = j.at("prune").get<bool>();
    if (j.at("type") != "key" || j.at("status") != "change") continue;
    // Format 2 leaves empty lists out and derives remove (= extra when pruning).
    const auto list = [&j](const char* field) {
      return j.value(field, nlohmann::json::array()).get<std::set<std::string>>();
    };
    std::set<std::string> scopes = list("current");
    for (const auto& s : list("add")) scopes.insert(s);
    // Without prune an override's remove (SPEC 12.2) still takes its scopes off the key.
    std::set<std::string> removed = list("extra");
    if (!prune) {
      const auto o = j.value("override", nlohmann::json::object());
      const auto by_override = o.value("remove", nlohmann::json::array()).get<std::set<std::string>>();
      std::set<std::string> both;
      for (const auto& s : removed)
        if (by_override.count(s)) both.insert(s);
      removed = both;
    }
    for (const auto& s : removed) scopes.erase(s);
    out[j.at("id").get<std::string>()] = scopes;
  }
  return out;
}

void ExpectPlanApplied(pqxx::connection& conn, const std::string& plan_path) {
  const auto planned = PlannedFinalScopes(plan_path);
  EXPECT_FALSE(planned.empty());
  for (const auto& [id, scopes] : planned) EXPECT_EQ(ScopesOf(conn, id), scopes) << id;
}

size_t ExpectNoKeyHalfWritten(pqxx::connection& conn, const std::string& plan_path) {
  std::map<std::string, std::set<std::string>> before, audited;
  {
    std::istringstream in(ReadFile(plan_path));
    std::string line;
    while (std::getline(in, line)) {
      const auto j = nlohmann::json::parse(line);
      if (j.at("type") != "key" || j.at("status") != "change") continue;
      before[j.at("id").get<std::string>()] =
          j.value("current", nlohmann::json::array()).get<std::set<std::string>>();
    }
    pqxx::read_transaction txn(conn);
    for (const auto& row : txn.exec("SELECT api_key_id, action || ' ' || scope FROM "
                                    "scope_migration_changes WHERE run_id IN (SELECT run_id "
                                    "FROM scope_migration_runs WHERE kind = 'apply')")) {
      audited[row[0].c_str()].insert(row[1].c_str());
    }
  }
  size_t written = 0;
  for (const auto& [id, after] : PlannedFinalScopes(plan_path)) {
    const auto now = ScopesOf(conn, id);
    const bool done = now == after;
    EXPECT_TRUE(done || now == before.at(id)) << id << " is half-written";
    std::set<std::string> planned;
    for (const auto& s : after) {
      if (!before.at(id).count(s)) planned.insert("add " + s);
    }
    for (const auto& s : before.at(id)) {
      if (!after.count(s)) planned.insert("remove " + s);
    }
    const auto it = audited.find(id);
    if (done && !planned.empty()) {
      EXPECT_TRUE(it != audited.end() && it->second == planned) << id << ": audit differs";
      ++written;
    } else if (!done) {
      EXPECT_TRUE(it == audited.end()) << id << " has audit rows but not its scopes";
    }
  }
  return written;
}

long long LeasesLeft(pqxx::connection& conn) {
  return Count(conn,
               "SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory') + "
               "(SELECT count(*) FROM scope_migration_runs WHERE status = 'running')");
}

void LoadSamples(pqxx::connection& conn) {
  pqxx::nontransaction txn(conn);  // legacy-keys.sql has its own BEGIN/COMMIT
  txn.exec(ReadFile(SourcePath("samples/schema.sql")));
  txn.exec(ReadFile(SourcePath("samples/legacy-keys.sql")));
}

}  // namespace scope_migrate::testing
