// libFuzzer's entry for one target (-DFUZZ=ON): FUZZ_ENTRY names its function in
// fuzz_targets.h.
#include "fuzz/fuzz_targets.h"

#ifndef FUZZ_ENTRY
#error "FUZZ_ENTRY must name a fuzz entry, e.g. FuzzCatalog"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return scope_migrate::fuzz::FUZZ_ENTRY(data, size);
}
