// `scope-migrate plan SOURCE --mapping FILE ...`: the dry run. Streams the report in
// --format to stdout and, with --out, the plan file next to it (written to a temporary
// created exclusively with mode 0600 and renamed when complete, base/atomic_file.h, so a
// half-written plan file never has the final name and a planted symlink is not followed).
// Never writes to the database: PgKeySource reads in a read-only transaction.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "base/atomic_file.h"
#include "base/exit_codes.h"
#include "base/file_streams.h"
#include "base/text_escape.h"
#include "commands/command_support.h"
#include "commands/commands.h"
#include "commands/options.h"
#include "core/fixture_source.h"
#include "pg/pg_key_source.h"
#include "plan/planner.h"

namespace scope_migrate {
namespace {

// Collects what is written in a large buffer and hands it on in big pieces to one or two
// stream buffers: with --format jsonl --out FILE the report and the plan file are the same
// bytes, so they are formatted (and hashed) once; and the report reaches stdout in few
// large writes.
class TeeBuffer : public std::streambuf {
 public:
  TeeBuffer(std::streambuf* a, std::streambuf* b) : a_(a), b_(b), buffer_(1 << 20) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }

 protected:
  int overflow(int c) override {
    if (!Drain()) return traits_type::eof();
    if (c != traits_type::eof()) sputc(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }
  int sync() override {
    if (!Drain()) return -1;
    return a_->pubsync() == 0 && (b_ == nullptr || b_->pubsync() == 0) ? 0 : -1;
  }

 private:
  bool Drain() {
    const std::streamsize n = pptr() - pbase();
    setp(buffer_.data(), buffer_.data() + buffer_.size());
    return a_->sputn(buffer_.data(), n) == n &&
           (b_ == nullptr || b_->sputn(buffer_.data(), n) == n);
  }

  std::streambuf* a_;
  std::streambuf* b_;
  std::vector<char> buffer_;
};

// Keys holding a scope twice (no unique index on (key, scope)): said, as they are odd data.
void NoteDoubledScopes(const PgKeySource& source) {
  if (source.doubled_scope_count() == 0) return;
  std::string ids;
  for (const auto& id : source.doubled_scope_keys())
    ids += (ids.empty() ? "" : ", ") + Printable(id);
  if (source.doubled_scope_count() > source.doubled_scope_keys().size()) ids += ", ...";
  std::cerr << "note: " << source.doubled_scope_count()
            << " keys hold a scope twice (no unique index on (key, scope)?): " << ids
            << "; each such scope counts once, and apply removes every row of a scope it "
               "removes\n";
}

}  // namespace

Summary PlanOneSource(const Options& options, std::set<std::string>* overrides_found) {
  PhaseTimer timer(options.verbose);
  const Mapping mapping = Mapping::Load(*options.mapping);
  timer.Lap("load mapping");
  const std::optional<Overrides> overrides = LoadOverrides(options, mapping);
  PlanParams params = MakePlanParams(options, mapping);
  if (overrides) {
    params.overrides = &*overrides;
    params.overrides_found = overrides_found;
    timer.Lap("load overrides");
  }
  const ReportOptions report_options{options.max_keys};

  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<KeySource> source;
  if (options.fixtures) {
    source = std::make_unique<FixtureSource>(*options.fixtures);
  } else {
    const Layout layout = LoadLayout(options);
    CheckScopesWritable(layout, mapping.catalog().Names());
    conn = Connect(options.Conninfo());
    source = std::make_unique<PgKeySource>(*conn, layout, options.timeouts);
  }

  std::vector<ReportWriter*> writers;
  // Written under a temporary name, compressed as the final name says (.gz, .zst).
  std::unique_ptr<AtomicFile> out_file;
  std::unique_ptr<OutputFile> plan_file;
  if (options.out) {
    out_file = std::make_unique<AtomicFile>(*options.out);
    plan_file = std::make_unique<OutputFile>(out_file->temp_path(), out_file->TakeFile(),
                                             CompressionForName(*options.out));
  }
  // With --format jsonl the report is the plan itself (to stdout and, with --out, to the
  // file as well); any other report is written beside the plan, which then goes to the
  // file or, without --out, only gives the report its checksum.
  const bool jsonl = options.format == ReportFormat::kJsonl;
  TeeBuffer tee(std::cout.rdbuf(), jsonl && plan_file ? plan_file.get() : nullptr);
  std::ostream report_stream(&tee);
  std::ostream plan_stream(plan_file.get());
  std::unique_ptr<PlanWriter> plan_writer;
  std::unique_ptr<ReportWriter> report;
  if (jsonl) {
    plan_writer = MakeJsonlWriter(report_stream);
  } else {
    report = MakeWriter(options.format, report_stream, report_options);
    writers.push_back(report.get());
    if (plan_file) plan_writer = MakeJsonlWriter(plan_stream);
  }

  Progress progress(options.progress, "plan", options.progress_every_ms);
  Summary summary;
  try {
    summary = RunPlan(*source, mapping, params, writers, &progress, plan_writer.get());
  } catch (const std::exception& e) {
    // out_file's destructor removes the temporary: never half a plan behind.
    if (dynamic_cast<const ToolError*>(&e) != nullptr) throw;
    throw DbFailure(e, "reading the keys");
  }
  timer.Lap("read, decide and write " + std::to_string(summary.keys_read) + " keys");
  if (const auto* pg = dynamic_cast<const PgKeySource*>(source.get()); pg && !options.quiet) {
    NoteDoubledScopes(*pg);
  }
  report_stream.flush();
  if (options.out) {
    plan_stream.flush();
    plan_file->Close();
    if (!report_stream || !plan_stream) {
      throw RuntimeFailure("cannot write the plan file " + *options.out);
    }
    out_file->Commit();
    if (!options.quiet && !options.fleet_member) {
      std::cerr << "plan file written: " << *options.out << "\n";
    }
  }
  if (!std::cout || !report_stream) throw RuntimeFailure("cannot write the report to stdout");
  return summary;
}

int RunPlanCommand(const Options& options) {
  if (options.targets) return RunFleetPlan(options);
  const Summary summary = PlanOneSource(options);
  if (!options.detailed_exitcode) return kExitOk;
  if (summary.blocked > 0) return kExitBlocked;
  return summary.change > 0 ? kExitChangesPending : kExitOk;
}

}  // namespace scope_migrate
