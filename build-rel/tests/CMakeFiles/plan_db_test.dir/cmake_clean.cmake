file(REMOVE_RECURSE
  "CMakeFiles/plan_db_test.dir/plan_db_test.cc.o"
  "CMakeFiles/plan_db_test.dir/plan_db_test.cc.o.d"
  "plan_db_test"
  "plan_db_test.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/plan_db_test.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
