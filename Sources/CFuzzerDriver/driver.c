// Declarations only (include/fuzzer_driver.h); SwiftPM needs a source file per C target.
#include "fuzzer_driver.h"
