
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/apply_step.cc" "CMakeFiles/scope_migrate_core.dir/src/apply_step.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/apply_step.cc.o.d"
  "/work/main/src/audit.cc" "CMakeFiles/scope_migrate_core.dir/src/audit.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/audit.cc.o.d"
  "/work/main/src/batch_runner.cc" "CMakeFiles/scope_migrate_core.dir/src/batch_runner.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/batch_runner.cc.o.d"
  "/work/main/src/catalog.cc" "CMakeFiles/scope_migrate_core.dir/src/catalog.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/catalog.cc.o.d"
  "/work/main/src/cli.cc" "CMakeFiles/scope_migrate_core.dir/src/cli.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/cli.cc.o.d"
  "/work/main/src/commands/apply_command.cc" "CMakeFiles/scope_migrate_core.dir/src/commands/apply_command.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/commands/apply_command.cc.o.d"
  "/work/main/src/commands/audit_sql_command.cc" "CMakeFiles/scope_migrate_core.dir/src/commands/audit_sql_command.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/commands/audit_sql_command.cc.o.d"
  "/work/main/src/commands/command_support.cc" "CMakeFiles/scope_migrate_core.dir/src/commands/command_support.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/commands/command_support.cc.o.d"
  "/work/main/src/commands/history_command.cc" "CMakeFiles/scope_migrate_core.dir/src/commands/history_command.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/commands/history_command.cc.o.d"
  "/work/main/src/commands/lint_command.cc" "CMakeFiles/scope_migrate_core.dir/src/commands/lint_command.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/commands/lint_command.cc.o.d"
  "/work/main/src/commands/plan_command.cc" "CMakeFiles/scope_migrate_core.dir/src/commands/plan_command.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/commands/plan_command.cc.o.d"
  "/work/main/src/commands/rollback_command.cc" "CMakeFiles/scope_migrate_core.dir/src/commands/rollback_command.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/commands/rollback_command.cc.o.d"
  "/work/main/src/commands/verify_command.cc" "CMakeFiles/scope_migrate_core.dir/src/commands/verify_command.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/commands/verify_command.cc.o.d"
  "/work/main/src/db.cc" "CMakeFiles/scope_migrate_core.dir/src/db.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/db.cc.o.d"
  "/work/main/src/decision.cc" "CMakeFiles/scope_migrate_core.dir/src/decision.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/decision.cc.o.d"
  "/work/main/src/did_you_mean.cc" "CMakeFiles/scope_migrate_core.dir/src/did_you_mean.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/did_you_mean.cc.o.d"
  "/work/main/src/durations.cc" "CMakeFiles/scope_migrate_core.dir/src/durations.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/durations.cc.o.d"
  "/work/main/src/file_streams.cc" "CMakeFiles/scope_migrate_core.dir/src/file_streams.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/file_streams.cc.o.d"
  "/work/main/src/fixture_source.cc" "CMakeFiles/scope_migrate_core.dir/src/fixture_source.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/fixture_source.cc.o.d"
  "/work/main/src/fixtures.cc" "CMakeFiles/scope_migrate_core.dir/src/fixtures.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/fixtures.cc.o.d"
  "/work/main/src/interrupt.cc" "CMakeFiles/scope_migrate_core.dir/src/interrupt.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/interrupt.cc.o.d"
  "/work/main/src/json_text.cc" "CMakeFiles/scope_migrate_core.dir/src/json_text.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/json_text.cc.o.d"
  "/work/main/src/key_line_parser.cc" "CMakeFiles/scope_migrate_core.dir/src/key_line_parser.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/key_line_parser.cc.o.d"
  "/work/main/src/key_store.cc" "CMakeFiles/scope_migrate_core.dir/src/key_store.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/key_store.cc.o.d"
  "/work/main/src/layout.cc" "CMakeFiles/scope_migrate_core.dir/src/layout.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/layout.cc.o.d"
  "/work/main/src/mapping.cc" "CMakeFiles/scope_migrate_core.dir/src/mapping.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/mapping.cc.o.d"
  "/work/main/src/pg_key_source.cc" "CMakeFiles/scope_migrate_core.dir/src/pg_key_source.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/pg_key_source.cc.o.d"
  "/work/main/src/pg_text.cc" "CMakeFiles/scope_migrate_core.dir/src/pg_text.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/pg_text.cc.o.d"
  "/work/main/src/plan_reader.cc" "CMakeFiles/scope_migrate_core.dir/src/plan_reader.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/plan_reader.cc.o.d"
  "/work/main/src/plan_writer.cc" "CMakeFiles/scope_migrate_core.dir/src/plan_writer.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/plan_writer.cc.o.d"
  "/work/main/src/planner.cc" "CMakeFiles/scope_migrate_core.dir/src/planner.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/planner.cc.o.d"
  "/work/main/src/progress.cc" "CMakeFiles/scope_migrate_core.dir/src/progress.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/progress.cc.o.d"
  "/work/main/src/report.cc" "CMakeFiles/scope_migrate_core.dir/src/report.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/report.cc.o.d"
  "/work/main/src/report_csv.cc" "CMakeFiles/scope_migrate_core.dir/src/report_csv.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/report_csv.cc.o.d"
  "/work/main/src/report_markdown.cc" "CMakeFiles/scope_migrate_core.dir/src/report_markdown.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/report_markdown.cc.o.d"
  "/work/main/src/report_text.cc" "CMakeFiles/scope_migrate_core.dir/src/report_text.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/report_text.cc.o.d"
  "/work/main/src/rollback_step.cc" "CMakeFiles/scope_migrate_core.dir/src/rollback_step.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/rollback_step.cc.o.d"
  "/work/main/src/run_lease.cc" "CMakeFiles/scope_migrate_core.dir/src/run_lease.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/run_lease.cc.o.d"
  "/work/main/src/sha256.cc" "CMakeFiles/scope_migrate_core.dir/src/sha256.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/sha256.cc.o.d"
  "/work/main/src/summary.cc" "CMakeFiles/scope_migrate_core.dir/src/summary.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/summary.cc.o.d"
  "/work/main/src/text_escape.cc" "CMakeFiles/scope_migrate_core.dir/src/text_escape.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/text_escape.cc.o.d"
  "/work/main/src/throttle.cc" "CMakeFiles/scope_migrate_core.dir/src/throttle.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/throttle.cc.o.d"
  "/work/main/src/timestamps.cc" "CMakeFiles/scope_migrate_core.dir/src/timestamps.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/timestamps.cc.o.d"
  "/work/main/src/write_rules.cc" "CMakeFiles/scope_migrate_core.dir/src/write_rules.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/write_rules.cc.o.d"
  "/work/main/src/yaml_util.cc" "CMakeFiles/scope_migrate_core.dir/src/yaml_util.cc.o" "gcc" "CMakeFiles/scope_migrate_core.dir/src/yaml_util.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
