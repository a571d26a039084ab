#include "write/plan_copy.h"

#include <unistd.h>

#include <istream>
#include <memory>
#include <ostream>
#include <vector>

#include "base/atomic_file.h"
#include "base/errors.h"
#include "base/file_streams.h"
#include "pg/db.h"

namespace scope_migrate {
namespace {

constexpr size_t kPartBytes = size_t{1} << 20;

struct Closer {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

bool Stored(pqxx::transaction_base& txn, const AuditLog& audit, const std::string& sha256) {
  return !txn.exec_params("SELECT 1 FROM " + audit.plans_table() + " WHERE plan_sha256 = $1 LIMIT 1",
                          sha256)
              .empty();
}

// The plan file, whatever its compression, as zstd in an unnamed temporary file.
std::unique_ptr<std::FILE, Closer> Compressed(const std::string& path) {
  std::unique_ptr<std::FILE, Closer> temp(UnlinkedTempFile("the plan's copy"));
  {
    InputFile in_buffer(path);
    std::istream in(&in_buffer);
    // OutputFile closes the FILE it is given: hand it a second descriptor of the same file.
    OutputFile out_buffer(path, fdopen(dup(fileno(temp.get())), "w"), Compression::kZstd);
    std::ostream out(&out_buffer);
    out << in.rdbuf();
    out.flush();
    out_buffer.Close();
  }
  std::rewind(temp.get());
  return temp;
}

}  // namespace

void StorePlanCopy(const AuditLog& audit, pqxx::connection& conn, const std::string& path,
                   const std::string& sha256) {
  NeedsPrivilege("SELECT, INSERT on " + audit.plans_table(), [&] {
    {
      pqxx::read_transaction txn(conn, "plan_copy_stored");
      SetLocalTimeouts(txn, audit.timeouts());
      if (Stored(txn, audit, sha256)) return;
    }
    const auto file = Compressed(path);
    pqxx::work txn(conn, "plan_copy");
    SetLocalTimeouts(txn, audit.timeouts());
    std::vector<char> part(kPartBytes);
    for (int number = 0;; ++number) {
      const size_t n = std::fread(part.data(), 1, part.size(), file.get());
      if (n == 0) break;
      txn.exec_params("INSERT INTO " + audit.plans_table() +
                          " (plan_sha256, part, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                      sha256, number, pqxx::binarystring(part.data(), n));
    }
    if (std::ferror(file.get())) throw RuntimeFailure("cannot read the plan's compressed copy");
    txn.commit();
  });
}

bool FetchPlanCopy(const AuditLog& audit, pqxx::connection& conn, const std::string& sha256,
                   std::FILE* file) {
  return NeedsPrivilege("SELECT on " + audit.plans_table(), [&] {
    pqxx::read_transaction txn(conn, "plan_copy_read");
    SetLocalTimeouts(txn, audit.timeouts());
    const int parts =
        txn.exec_params("SELECT count(*) FROM " + audit.plans_table() + " WHERE plan_sha256 = $1",
                        sha256)[0][0]
            .as<int>();
    for (int number = 0; number < parts; ++number) {
      const pqxx::result r = txn.exec_params("SELECT data FROM " + audit.plans_table() +
                                                 " WHERE plan_sha256 = $1 AND part = $2",
                                             sha256, number);
      if (r.empty()) throw RuntimeFailure("the stored copy of plan " + sha256 + " lacks a part");
      const pqxx::binarystring data(r[0][0]);
      if (std::fwrite(data.data(), 1, data.size(), file) != data.size()) {
        throw RuntimeFailure("cannot write the plan's copy to a temporary file");
      }
    }
    std::fflush(file);
    return parts > 0;
  });
}

}  // namespace scope_migrate
