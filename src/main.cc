// scope-migrate: migrates legacy API keys from roles to scopes. Everything happens in the
// libraries of src/; this file only hands over the command line.
#include "cli.h"

int main(int argc, char** argv) { return scope_migrate::RunCli(argc, argv); }
