# Empty dependencies file for scope_migrate_core.
# This may be replaced when dependencies are built.
