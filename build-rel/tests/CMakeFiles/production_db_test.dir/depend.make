# Empty dependencies file for production_db_test.
# This may be replaced when dependencies are built.
