// scope-migrate: migrates legacy API keys from roles to scopes. Everything happens in the
// core library; this file only hands over the command line.
#include "options.h"

int main(int argc, char** argv) { return scope_migrate::RunCli(argc, argv); }
