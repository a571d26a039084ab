file(REMOVE_RECURSE
  "CMakeFiles/test_support.dir/pg_harness.cc.o"
  "CMakeFiles/test_support.dir/pg_harness.cc.o.d"
  "CMakeFiles/test_support.dir/test_util.cc.o"
  "CMakeFiles/test_support.dir/test_util.cc.o.d"
  "libtest_support.a"
  "libtest_support.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/test_support.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
