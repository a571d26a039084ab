file(REMOVE_RECURSE
  "CMakeFiles/production_db_test.dir/production_db_test.cc.o"
  "CMakeFiles/production_db_test.dir/production_db_test.cc.o.d"
  "production_db_test"
  "production_db_test.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/production_db_test.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
