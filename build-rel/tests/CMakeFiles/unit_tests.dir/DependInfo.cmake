
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tests/batch_runner_test.cc" "tests/CMakeFiles/unit_tests.dir/batch_runner_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/batch_runner_test.cc.o.d"
  "/work/main/tests/catalog_test.cc" "tests/CMakeFiles/unit_tests.dir/catalog_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/catalog_test.cc.o.d"
  "/work/main/tests/cli_test.cc" "tests/CMakeFiles/unit_tests.dir/cli_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/cli_test.cc.o.d"
  "/work/main/tests/decision_test.cc" "tests/CMakeFiles/unit_tests.dir/decision_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/decision_test.cc.o.d"
  "/work/main/tests/did_you_mean_test.cc" "tests/CMakeFiles/unit_tests.dir/did_you_mean_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/did_you_mean_test.cc.o.d"
  "/work/main/tests/file_streams_test.cc" "tests/CMakeFiles/unit_tests.dir/file_streams_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/file_streams_test.cc.o.d"
  "/work/main/tests/fixtures_test.cc" "tests/CMakeFiles/unit_tests.dir/fixtures_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/fixtures_test.cc.o.d"
  "/work/main/tests/key_line_parser_test.cc" "tests/CMakeFiles/unit_tests.dir/key_line_parser_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/key_line_parser_test.cc.o.d"
  "/work/main/tests/mapping_test.cc" "tests/CMakeFiles/unit_tests.dir/mapping_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/mapping_test.cc.o.d"
  "/work/main/tests/pg_text_test.cc" "tests/CMakeFiles/unit_tests.dir/pg_text_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/pg_text_test.cc.o.d"
  "/work/main/tests/plan_format_test.cc" "tests/CMakeFiles/unit_tests.dir/plan_format_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/plan_format_test.cc.o.d"
  "/work/main/tests/report_test.cc" "tests/CMakeFiles/unit_tests.dir/report_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/report_test.cc.o.d"
  "/work/main/tests/throttle_test.cc" "tests/CMakeFiles/unit_tests.dir/throttle_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/throttle_test.cc.o.d"
  "/work/main/tests/timestamps_test.cc" "tests/CMakeFiles/unit_tests.dir/timestamps_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/timestamps_test.cc.o.d"
  "/work/main/tests/write_rules_test.cc" "tests/CMakeFiles/unit_tests.dir/write_rules_test.cc.o" "gcc" "tests/CMakeFiles/unit_tests.dir/write_rules_test.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build-rel/tests/CMakeFiles/test_support.dir/DependInfo.cmake"
  "/work/main/build-rel/CMakeFiles/scope_migrate_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
