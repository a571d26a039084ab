# Empty dependencies file for plan_db_test.
# This may be replaced when dependencies are built.
