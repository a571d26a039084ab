// `scope-migrate plan SOURCE --mapping FILE ...`: the dry run. Streams the report in
// --format to stdout and, with --out, the plan file next to it (written under a temporary
// name and renamed when complete, so a half-written plan file never has the final name).
// Never writes to the database: PgKeySource reads in a read-only transaction.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "command_support.h"
#include "exit_codes.h"
#include "fixture_source.h"
#include "options.h"
#include "pg_key_source.h"
#include "planner.h"

namespace scope_migrate {
namespace {

// Writes everything to two stream buffers: with --format jsonl --out FILE the report and
// the plan file are the same bytes, so they are formatted (and hashed) once.
class TeeBuffer : public std::streambuf {
 public:
  TeeBuffer(std::streambuf* a, std::streambuf* b) : a_(a), b_(b) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return a_->sputc(ch) == traits_type::eof() || b_->sputc(ch) == traits_type::eof()
               ? traits_type::eof()
               : c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    return a_->sputn(s, n) == n && b_->sputn(s, n) == n ? n : 0;
  }
  int sync() override { return a_->pubsync() == 0 && b_->pubsync() == 0 ? 0 : -1; }

 private:
  std::streambuf* a_;
  std::streambuf* b_;
};

}  // namespace

int RunPlanCommand(const Options& options) {
  PhaseTimer timer(options.verbose);
  const Mapping mapping = Mapping::Load(*options.mapping);
  timer.Lap("load mapping");
  const PlanParams params = MakePlanParams(options, mapping);
  const ReportOptions report_options{options.max_keys};

  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<KeySource> source;
  if (options.fixtures) {
    source = std::make_unique<FixtureSource>(*options.fixtures);
  } else {
    const Layout layout = LoadLayout(options);
    conn = Connect(options.Conninfo());
    source = std::make_unique<PgKeySource>(*conn, layout, options.timeouts);
  }

  std::vector<ReportWriter*> writers;
  std::ofstream plan_file;
  const std::string partial_path = options.out ? *options.out + ".partial" : "";
  if (options.out) {
    plan_file.open(partial_path, std::ios::binary | std::ios::trunc);
    if (!plan_file) throw RuntimeFailure("cannot write the plan file " + partial_path);
  }
  TeeBuffer tee(std::cout.rdbuf(), plan_file.rdbuf());
  std::ostream both(&tee);
  std::unique_ptr<ReportWriter> report, plan_writer;
  if (options.out && options.format == ReportFormat::kJsonl) {
    report = MakeJsonlWriter(both);
    writers.push_back(report.get());
  } else {
    report = MakeWriter(options.format, std::cout, report_options);
    writers.push_back(report.get());
    if (options.out) {
      plan_writer = MakeJsonlWriter(plan_file);
      writers.push_back(plan_writer.get());
    }
  }

  Progress progress(options.progress, "plan");
  Summary summary;
  try {
    summary = RunPlan(*source, mapping, params, writers, &progress);
  } catch (const std::exception& e) {
    if (options.out) std::remove(partial_path.c_str());  // never leave half a plan behind
    if (dynamic_cast<const ToolError*>(&e) != nullptr) throw;
    throw DbFailure(e, "reading the keys");
  }
  timer.Lap("read, decide and write " + std::to_string(summary.keys_read) + " keys");
  if (options.out) {
    both.flush();
    plan_file.close();
    if (!plan_file || std::rename(partial_path.c_str(), options.out->c_str()) != 0) {
      throw RuntimeFailure("cannot write the plan file " + *options.out);
    }
    if (!options.quiet) std::cerr << "plan file written: " << *options.out << "\n";
  }
  if (!std::cout) throw RuntimeFailure("cannot write the report to stdout");
  if (!options.detailed_exitcode) return kExitOk;
  if (summary.blocked > 0) return kExitBlocked;
  return summary.change > 0 ? kExitChangesPending : kExitOk;
}

}  // namespace scope_migrate
