# Empty dependencies file for apply_db_test.
# This may be replaced when dependencies are built.
