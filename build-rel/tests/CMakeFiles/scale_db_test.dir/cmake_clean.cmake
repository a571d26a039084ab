file(REMOVE_RECURSE
  "CMakeFiles/scale_db_test.dir/scale_db_test.cc.o"
  "CMakeFiles/scale_db_test.dir/scale_db_test.cc.o.d"
  "scale_db_test"
  "scale_db_test.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/scale_db_test.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
