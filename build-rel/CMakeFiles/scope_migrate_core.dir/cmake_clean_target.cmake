file(REMOVE_RECURSE
  "libscope_migrate_core.a"
)
