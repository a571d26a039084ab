file(REMOVE_RECURSE
  "CMakeFiles/scope-migrate.dir/src/main.cc.o"
  "CMakeFiles/scope-migrate.dir/src/main.cc.o.d"
  "scope-migrate"
  "scope-migrate.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/scope-migrate.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
