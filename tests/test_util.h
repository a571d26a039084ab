// Helpers for tests: run the built scope-migrate binary and capture what it prints, spawn
// it in the background (for lock, kill and signal tests), temporary files, and small
// readers over PostgreSQL for exact assertions (scopes of a key, a digest of tables).
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

namespace scope_migrate::testing {

struct ToolResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  long max_rss_kib = 0;
};

using Env = std::map<std::string, std::string>;

// Runs the binary with `args` (and extra environment) from the project's source dir.
ToolResult RunTool(const std::vector<std::string>& args, const Env& env = {});

// Starts the binary in the background with stdout/stderr to files; returns its pid.
pid_t SpawnTool(const std::vector<std::string>& args, const Env& env, const std::string& out_path,
                const std::string& err_path);
// Waits for a spawned process; returns its exit code (128+signal when killed).
int WaitTool(pid_t pid);

std::string SourceDir();
std::string SourcePath(const std::string& relative);  // SourceDir() + "/" + relative
std::string MakeTempDir();
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

// Compares `actual` with tests/golden/<name>; with SCOPE_MIGRATE_UPDATE_GOLDEN=1 rewrites it.
void ExpectGolden(const std::string& name, const std::string& actual);

// Replaces the parts of a report that change from run to run (server port, the tool's
// commit, the plan checksums over them) with fixed placeholders.
std::string NormalizeReport(std::string report);

// `load` must throw ToolError(65) with exactly "path:line:col: message".
void ExpectInputError(const std::function<void()>& load, const std::string& path, int line, int col,
                      const std::string& message);

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
