// Small readers over PostgreSQL for exact assertions in the database tests (scopes of a key,
// digests of tables, what a plan file should have written), on top of test_util.h.
#pragma once

#include <map>
#include <pqxx/pqxx>
#include <set>
#include <string>

#include "support/test_util.h"

namespace scope_migrate::testing {

// Database readers.
std::set<std::string> ScopesOf(pqxx::connection& conn, const std::string& key_id);
long long Count(pqxx::connection& conn, const std::string& sql);
// md5 over every row of the three key tables, for "nothing changed" assertions.
std::string DataDigest(pqxx::connection& conn);
// md5 over every row of every table in the database (audit tables included).
std::string AllTablesDigest(pqxx::connection& conn);
// Loads samples/schema.sql and samples/legacy-keys.sql.
void LoadSamples(pqxx::connection& conn);
// Runs `sql` (any number of statements) in one transaction.
void ExecSql(pqxx::connection& conn, const std::string& sql);

// The scopes each "change" key of the plan file should have once applied (its current
// scopes, plus add, minus remove), by key id.
std::map<std::string, std::set<std::string>> PlannedFinalScopes(const std::string& plan_path);
// Every change key of the plan has exactly its planned final scopes in api_key_scopes.
void ExpectPlanApplied(pqxx::connection& conn, const std::string& plan_path);
// After an interrupted or failed apply of the plan: every change key is either untouched
// or fully written, and its audit rows are exactly its planned changes if and only if it
// was written. Returns how many keys were written.
size_t ExpectNoKeyHalfWritten(pqxx::connection& conn, const std::string& plan_path);
// The number of "running" runs (leases) and advisory locks left in the database.
long long LeasesLeft(pqxx::connection& conn);

}  // namespace scope_migrate::testing
