#pragma once
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for an executable that has its own `main` (SwiftPM's executables do):
/// linked from the fuzzer runtime when built with -sanitize=fuzzer, never called otherwise.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
