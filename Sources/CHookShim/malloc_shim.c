#include "ahk_shim.h"
#include <malloc.h>

int ahk_malloc_tune(int trim_threshold, int arena_max) {
    int ok = mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
    ok &= mallopt(M_ARENA_MAX, arena_max) == 1;
    return ok ? 0 : -1;
}
