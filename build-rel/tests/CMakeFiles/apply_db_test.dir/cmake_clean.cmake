file(REMOVE_RECURSE
  "CMakeFiles/apply_db_test.dir/apply_db_test.cc.o"
  "CMakeFiles/apply_db_test.dir/apply_db_test.cc.o.d"
  "apply_db_test"
  "apply_db_test.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/apply_db_test.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
