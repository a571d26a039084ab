
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/tests/scale_db_test.cc" "tests/CMakeFiles/scale_db_test.dir/scale_db_test.cc.o" "gcc" "tests/CMakeFiles/scale_db_test.dir/scale_db_test.cc.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build-rel/tests/CMakeFiles/test_support.dir/DependInfo.cmake"
  "/work/main/build-rel/CMakeFiles/scope_migrate_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
