# Empty dependencies file for scale_db_test.
# This may be replaced when dependencies are built.
