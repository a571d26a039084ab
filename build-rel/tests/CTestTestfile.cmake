# CMake generated Testfile for 
# Source directory: /work/main/tests
# Build directory: /work/main/build-rel/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build-rel/tests/unit_tests[1]_include.cmake")
add_test(plan_db_test "/work/main/build-rel/tests/plan_db_test")
set_tests_properties(plan_db_test PROPERTIES  TIMEOUT "900" WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;39;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(apply_db_test "/work/main/build-rel/tests/apply_db_test")
set_tests_properties(apply_db_test PROPERTIES  TIMEOUT "900" WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;39;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(production_db_test "/work/main/build-rel/tests/production_db_test")
set_tests_properties(production_db_test PROPERTIES  TIMEOUT "900" WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;39;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(setups_db_test "/work/main/build-rel/tests/setups_db_test")
set_tests_properties(setups_db_test PROPERTIES  TIMEOUT "900" WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;39;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(parallel_db_test "/work/main/build-rel/tests/parallel_db_test")
set_tests_properties(parallel_db_test PROPERTIES  TIMEOUT "900" WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;39;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(scale_db_test "/work/main/build-rel/tests/scale_db_test")
set_tests_properties(scale_db_test PROPERTIES  TIMEOUT "900" WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;39;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(cli_help "/work/main/build-rel/scope-migrate" "--help")
set_tests_properties(cli_help PROPERTIES  PASS_REGULAR_EXPRESSION "usage: scope-migrate COMMAND" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;44;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(cli_version "/work/main/build-rel/scope-migrate" "--version")
set_tests_properties(cli_version PROPERTIES  PASS_REGULAR_EXPRESSION "scope-migrate [0-9]+\\.[0-9]+\\.[0-9]+" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;46;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(cli_plan_help "/work/main/build-rel/scope-migrate" "plan" "--help")
set_tests_properties(cli_plan_help PROPERTIES  PASS_REGULAR_EXPRESSION "--detailed-exitcode" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;48;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(cli_bad_flag "/work/main/build-rel/scope-migrate" "lint" "--no-such-flag")
set_tests_properties(cli_bad_flag PROPERTIES  WILL_FAIL "TRUE" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;50;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(cli_lint_shipped_mapping "/work/main/build-rel/scope-migrate" "lint" "--mapping" "mappings/legacy-roles.yaml")
set_tests_properties(cli_lint_shipped_mapping PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;52;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(cli_verify_sample_fixtures "/work/main/build-rel/scope-migrate" "verify" "--mapping" "mappings/legacy-roles.yaml" "--fixtures" "samples/fixtures.yaml")
set_tests_properties(cli_verify_sample_fixtures PROPERTIES  WORKING_DIRECTORY "/work/main" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;54;add_test;/work/main/tests/CMakeLists.txt;0;")
add_test(demo "bash" "/work/main/tests/demo_test.sh" "/work/main/build-rel")
set_tests_properties(demo PROPERTIES  TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/tests/CMakeLists.txt;58;add_test;/work/main/tests/CMakeLists.txt;0;")
