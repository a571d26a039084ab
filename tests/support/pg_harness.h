// The PostgreSQL harness of the database tests. Unless PGHOST or PGPORT point at a server,
// the first use starts a throwaway PostgreSQL 15 cluster: initdb in a temporary directory
// (as the postgres OS user when run as root, since the server refuses root), listening
// on 127.0.0.1 at a free port; it is stopped and removed when the test binary exits.
// Every test gets its own fresh database. On request it also starts, in front of that
// cluster, a real PgBouncer in transaction pooling mode (pgbouncer package, a pool of two
// server connections used round-robin) and a real streaming standby (pg_basebackup -R),
// both stopped with the cluster.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "support/db_util.h"

namespace scope_migrate::testing {

class PgHarness {
 public:
  static PgHarness& Get();
  ~PgHarness();

  // Creates an empty database with a unique name and returns the name.
  std::string CreateDatabase(const std::string& prefix);
  std::string Conninfo(const std::string& database) const;
  // PGHOST/PGPORT/PGUSER/PGDATABASE for a child process.
  Env EnvFor(const std::string& database) const;
  std::unique_ptr<pqxx::connection> Connect(const std::string& database) const;

  const std::string& host() const { return host_; }
  const std::string& port() const { return port_; }
  // Whether the harness started the cluster (PgBouncer and the standby need one it owns).
  bool owned() const { return owned_; }

  // The port of PgBouncer (transaction pooling) in front of the cluster, started on first
  // use; it lets the postgres role in (trust, as the cluster).
  std::string BouncerPort();
  // Lets the login role `name` connect through PgBouncer (its auth file lists the roles it
  // admits): adds it, reloads PgBouncer and waits until the role gets in.
  void AllowBouncerUser(const std::string& name);
  // The port of a second, independent primary cluster (a fleet's other server), started on
  // first use and stopped with the first; CreateDatabaseOn(SecondPort(), ...) makes a
  // database there.
  std::string SecondPort();
  std::string CreateDatabaseOn(const std::string& port, const std::string& prefix);
  std::string ConninfoOn(const std::string& port, const std::string& database) const;

  // The port of a hot standby streaming from the cluster, started on first use.
  std::string StandbyPort();
  // Waits until the standby has replayed everything the primary has written so far.
  void WaitForStandby();

 private:
  PgHarness();
  void StartServer(const std::string& data, const std::string& port, const std::string& log);
  std::string host_, port_, user_, dir_;
  std::string bouncer_port_, bouncer_pid_file_, standby_port_, second_port_;
  bool owned_ = false;
  int counter_ = 0;
};

// A test fixture with a fresh database per test: db_ (name), conn_ and env_.
class DbTest : public ::testing::Test {
 protected:
  void SetUp() override;
  std::string db_;
  std::unique_ptr<pqxx::connection> conn_;
  Env env_;
};

}  // namespace scope_migrate::testing
