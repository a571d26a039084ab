#include "support/pg_harness.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace scope_migrate::testing {
namespace {

const char kPgBin[] = "/usr/lib/postgresql/15/bin";

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string AsOwner() { return geteuid() == 0 ? "runuser -u postgres -- " : ""; }

void Shell(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

PgHarness& PgHarness::Get() {
  static PgHarness harness;
  return harness;
}

PgHarness::PgHarness() {
  if (std::getenv("PGHOST") != nullptr || std::getenv("PGPORT") != nullptr) {
    host_ = EnvOr("PGHOST", "localhost");
    port_ = EnvOr("PGPORT", "5432");
    user_ = EnvOr("PGUSER", "postgres");
    return;
  }
  owned_ = true;
  dir_ = MakeTempDir();
  host_ = "127.0.0.1";
  port_ = std::to_string(FreePort());
  user_ = "postgres";
  const bool root = geteuid() == 0;
  const std::string as = root ? "runuser -u postgres -- " : "";
  if (root) Shell("chown postgres: " + dir_);
  Shell(as + kPgBin + "/initdb -D " + dir_ +
        "/data -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 > " + dir_ +
        "/initdb.log 2>&1 || (cat " + dir_ + "/initdb.log; false)");
  StartServer(dir_ + "/data", port_, dir_ + "/server.log");
}

void PgHarness::StartServer(const std::string& data, const std::string& port,
                            const std::string& log) {
  Shell(AsOwner() + kPgBin + "/pg_ctl -D " + data + " -l " + log + " -w -o \"-p " + port + " -k " +
        dir_ +
        " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c "
        "max_connections=150\" start > /dev/null || (cat " +
        log + "; false)");
}

std::string PgHarness::BouncerPort() {
  if (!bouncer_port_.empty()) return bouncer_port_;
  if (!owned_) throw std::runtime_error("PgBouncer needs a cluster the harness started");
  const std::string port = std::to_string(FreePort());
  const std::string dir = dir_ + "/pgbouncer";
  Shell("mkdir -p " + dir);
  // Trust, as the cluster; a role that logs in through it must be listed.
  WriteFile(dir + "/users.txt", "\"postgres\" \"\"\n");
  WriteFile(dir + "/pgbouncer.ini",
            "[databases]\n* = host=127.0.0.1 port=" + port_ +
                "\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = " + port +
                "\nunix_socket_dir =\nauth_type = trust\nauth_file = " + dir +
                "/users.txt\npool_mode = transaction\ndefault_pool_size = 2\nmin_pool_size = "
                "2\nserver_round_robin = 1\nmax_client_conn = 200\nlogfile = " +
                dir + "/pgbouncer.log\npidfile = " + dir + "/pgbouncer.pid\n");
  if (geteuid() == 0) Shell("chown -R postgres: " + dir);
  Shell(AsOwner() + "/usr/sbin/pgbouncer -d " + dir + "/pgbouncer.ini || (cat " + dir +
        "/pgbouncer.log; false)");
  bouncer_pid_file_ = dir + "/pgbouncer.pid";
  // It listens at once; give it a moment to open its server connections.
  for (int i = 0; i < 100; ++i) {
    try {
      pqxx::connection probe("host=127.0.0.1 port=" + port + " user=postgres dbname=postgres");
      break;
    } catch (const std::exception&) {
      usleep(50000);
    }
  }
  bouncer_port_ = port;
  return port;
}

void PgHarness::AllowBouncerUser(const std::string& name) {
  const std::string port = BouncerPort();
  const std::string dir = dir_ + "/pgbouncer";
  std::ofstream(dir + "/users.txt", std::ios::app) << "\"" << name << "\" \"\"\n";
  Shell("kill -HUP $(cat " + bouncer_pid_file_ + ")");
  for (int i = 0; i < 100; ++i) {
    try {
      pqxx::connection probe("host=127.0.0.1 port=" + port + " user=" + name + " dbname=postgres");
      return;
    } catch (const std::exception&) {
      usleep(50000);
    }
  }
  throw std::runtime_error("PgBouncer does not admit " + name + " after a reload");
}

std::string PgHarness::SecondPort() {
  if (!second_port_.empty()) return second_port_;
  if (!owned_) throw std::runtime_error("a second cluster needs a cluster the harness started");
  const std::string port = std::to_string(FreePort());
  Shell(AsOwner() + kPgBin + "/initdb -D " + dir_ +
        "/second -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 > " + dir_ +
        "/initdb-second.log 2>&1 || (cat " + dir_ + "/initdb-second.log; false)");
  StartServer(dir_ + "/second", port, dir_ + "/second.log");
  second_port_ = port;
  return port;
}

std::string PgHarness::ConninfoOn(const std::string& port, const std::string& database) const {
  return "host=" + host_ + " port=" + port + " user=" + user_ + " dbname=" + database;
}

std::string PgHarness::CreateDatabaseOn(const std::string& port, const std::string& prefix) {
  std::string name = prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter_);
  for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
  pqxx::connection admin(ConninfoOn(port, "postgres"));
  pqxx::nontransaction txn(admin);
  txn.exec("CREATE DATABASE " + txn.quote_name(name));
  return name;
}

std::string PgHarness::StandbyPort() {
  if (!standby_port_.empty()) return standby_port_;
  if (!owned_) throw std::runtime_error("the standby needs a cluster the harness started");
  const std::string port = std::to_string(FreePort());
  Shell(AsOwner() + kPgBin + "/pg_basebackup -h 127.0.0.1 -p " + port_ + " -U postgres -D " + dir_ +
        "/standby -R -X stream -c fast > " + dir_ + "/basebackup.log 2>&1 || (cat " + dir_ +
        "/basebackup.log; false)");
  StartServer(dir_ + "/standby", port, dir_ + "/standby.log");
  standby_port_ = port;
  return port;
}

void PgHarness::WaitForStandby() {
  pqxx::connection primary(Conninfo("postgres"));
  pqxx::connection standby("host=127.0.0.1 port=" + StandbyPort() + " user=" + user_ +
                           " dbname=postgres");
  const std::string lsn =
      pqxx::nontransaction(primary).exec("SELECT pg_current_wal_lsn()::text")[0][0].c_str();
  for (int i = 0; i < 400; ++i) {
    pqxx::nontransaction txn(standby);
    if (txn.exec_params("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn)[0][0].as<bool>()) {
      return;
    }
    usleep(25000);
  }
  throw std::runtime_error("the standby did not catch up within 10 s");
}

PgHarness::~PgHarness() {
  if (!owned_) return;
  if (!bouncer_pid_file_.empty()) {
    std::system(("kill $(cat " + bouncer_pid_file_ + ") 2>/dev/null").c_str());
  }
  for (const auto& [port, data] :
       {std::pair(standby_port_, "standby"), std::pair(second_port_, "second")}) {
    if (port.empty()) continue;
    std::system((AsOwner() + kPgBin + "/pg_ctl -D " + dir_ + "/" + data +
                 " -m immediate -w stop > /dev/null 2>&1")
                    .c_str());
  }
  std::system(
      (AsOwner() + kPgBin + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop > /dev/null 2>&1")
          .c_str());
  std::system(("rm -rf " + dir_).c_str());
}

std::string PgHarness::CreateDatabase(const std::string& prefix) {
  return CreateDatabaseOn(port_, prefix);
}

std::string PgHarness::Conninfo(const std::string& database) const {
  return "host=" + host_ + " port=" + port_ + " user=" + user_ + " dbname=" + database;
}

Env PgHarness::EnvFor(const std::string& database) const {
  return {{"PGHOST", host_}, {"PGPORT", port_}, {"PGUSER", user_}, {"PGDATABASE", database}};
}

std::unique_ptr<pqxx::connection> PgHarness::Connect(const std::string& database) const {
  return std::make_unique<pqxx::connection>(Conninfo(database));
}

void DbTest::SetUp() {
  PgHarness& pg = PgHarness::Get();
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  db_ = pg.CreateDatabase(std::string(info->name()).substr(0, 40));
  conn_ = pg.Connect(db_);
  env_ = pg.EnvFor(db_);
}

}  // namespace scope_migrate::testing
