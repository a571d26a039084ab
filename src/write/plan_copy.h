// The copy of a plan that apply stores with its runs (SPEC 12.3), so that a rollback reverts
// by the plan that was approved, not by audit rows alone: scope_migration_plans holds the
// plan file's bytes, zstd-compressed, in parts of 1 MiB (memory stays bounded for a plan
// of millions of keys), keyed by the plan's sha256. The copy proves nothing by itself (the
// operator's role may insert rows there): whoever reads it back checks that its sha256 is
// the run's, and PlanFile checks every line.
#pragma once

#include <cstdio>
#include <pqxx/pqxx>
#include <string>

#include "write/audit_schema.h"

namespace scope_migrate {

// Stores the plan file at `path` as the copy of `sha256`, in one transaction, unless a copy
// is stored already.
void StorePlanCopy(const AuditLog& audit, pqxx::connection& conn, const std::string& path,
                   const std::string& sha256);

// Writes the stored copy of `sha256` into `file` (open for writing; as stored, compressed)
// and returns true, or false when there is none.
bool FetchPlanCopy(const AuditLog& audit, pqxx::connection& conn, const std::string& sha256,
                   std::FILE* file);

}  // namespace scope_migrate
