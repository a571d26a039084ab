// What this build is: the release version (CMakeLists.txt) and the git commit it was built
// from ("-dirty" when the work tree had changes), both written into plan headers and the
// runs table and printed by --version, so two builds never look alike. The definitions are
// generated at build time (cmake/version.cmake).
#pragma once

namespace scope_migrate {

const char* ToolVersion();  // e.g. "0.3.0"
const char* ToolCommit();   // e.g. "1a2b3c4d5e6f", or "unknown" outside a git checkout

}  // namespace scope_migrate
