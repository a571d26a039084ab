file(REMOVE_RECURSE
  "CMakeFiles/parallel_db_test.dir/parallel_db_test.cc.o"
  "CMakeFiles/parallel_db_test.dir/parallel_db_test.cc.o.d"
  "parallel_db_test"
  "parallel_db_test.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/parallel_db_test.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
