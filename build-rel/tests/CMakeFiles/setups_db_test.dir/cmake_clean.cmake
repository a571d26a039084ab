file(REMOVE_RECURSE
  "CMakeFiles/setups_db_test.dir/setups_db_test.cc.o"
  "CMakeFiles/setups_db_test.dir/setups_db_test.cc.o.d"
  "setups_db_test"
  "setups_db_test.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/setups_db_test.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
