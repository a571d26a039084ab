file(REMOVE_RECURSE
  "CMakeFiles/unit_tests.dir/batch_runner_test.cc.o"
  "CMakeFiles/unit_tests.dir/batch_runner_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/catalog_test.cc.o"
  "CMakeFiles/unit_tests.dir/catalog_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/cli_test.cc.o"
  "CMakeFiles/unit_tests.dir/cli_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/decision_test.cc.o"
  "CMakeFiles/unit_tests.dir/decision_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/did_you_mean_test.cc.o"
  "CMakeFiles/unit_tests.dir/did_you_mean_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/fixtures_test.cc.o"
  "CMakeFiles/unit_tests.dir/fixtures_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/mapping_test.cc.o"
  "CMakeFiles/unit_tests.dir/mapping_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/pg_text_test.cc.o"
  "CMakeFiles/unit_tests.dir/pg_text_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/plan_format_test.cc.o"
  "CMakeFiles/unit_tests.dir/plan_format_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/report_test.cc.o"
  "CMakeFiles/unit_tests.dir/report_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/throttle_test.cc.o"
  "CMakeFiles/unit_tests.dir/throttle_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/timestamps_test.cc.o"
  "CMakeFiles/unit_tests.dir/timestamps_test.cc.o.d"
  "CMakeFiles/unit_tests.dir/write_rules_test.cc.o"
  "CMakeFiles/unit_tests.dir/write_rules_test.cc.o.d"
  "unit_tests"
  "unit_tests.pdb"
  "unit_tests[1]_tests.cmake"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/unit_tests.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
