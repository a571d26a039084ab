# Empty dependencies file for setups_db_test.
# This may be replaced when dependencies are built.
