# Empty dependencies file for parallel_db_test.
# This may be replaced when dependencies are built.
