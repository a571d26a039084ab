// Default options of the sanitizers, linked into every executable of a -DSANITIZE build (the
// binary and every test), so a sanitized run behaves the same from ctest, from a shell or
// as a child of a test: any report stops the process with exit code 86 (a code SPEC.md
// section 7 does not use, so a test expecting 1 or 65 never mistakes a report for its
// answer), leaks are reported, and the committed suppression files in this folder apply.
// The *_OPTIONS environment variables still override these.

#ifndef SANITIZER_SUPPRESSIONS_DIR
#error "SANITIZER_SUPPRESSIONS_DIR must name tests/sanitizers"
#endif

extern "C" {

const char* __asan_default_options() {
  return "detect_leaks=1:halt_on_error=1:exitcode=86:detect_stack_use_after_return=1:"
         "strict_string_checks=1:check_initialization_order=1";
}

const char* __lsan_default_options() {
  return "exitcode=86:suppressions=" SANITIZER_SUPPRESSIONS_DIR "/lsan.supp";
}

const char* __ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1:exitcode=86:"
         "suppressions=" SANITIZER_SUPPRESSIONS_DIR "/ubsan.supp";
}

const char* __tsan_default_options() {
  return "halt_on_error=1:exitcode=86:second_deadlock_stack=1:"
         "suppressions=" SANITIZER_SUPPRESSIONS_DIR "/tsan.supp";
}

}  // extern "C"
