# CMAKE generated file: DO NOT EDIT!
# Timestamp file for compiler generated dependencies management for apply_db_test.
