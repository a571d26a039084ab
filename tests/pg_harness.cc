#include "pg_harness.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
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
  Shell(as + kPgBin + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -o \"-p " +
        port_ + " -k " + dir_ +
        " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c "
        "max_connections=50\" start > /dev/null "
        "|| (cat " +
        dir_ + "/server.log; false)");
}

PgHarness::~PgHarness() {
  if (!owned_) return;
  const std::string as = geteuid() == 0 ? "runuser -u postgres -- " : "";
  std::system(
      (as + kPgBin + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop > /dev/null 2>&1").c_str());
  std::system(("rm -rf " + dir_).c_str());
}

std::string PgHarness::CreateDatabase(const std::string& prefix) {
  std::string name = prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter_);
  for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
  pqxx::connection admin(Conninfo("postgres"));
  pqxx::nontransaction txn(admin);
  txn.exec("CREATE DATABASE " + txn.quote_name(name));
  return name;
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
