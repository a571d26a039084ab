# Empty dependencies file for scope-migrate.
# This may be replaced when dependencies are built.
