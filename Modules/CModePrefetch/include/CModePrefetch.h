// Internal to Mode for Swift: the one thing Swift cannot say, a cache prefetch.
#ifndef C_MODE_PREFETCH_H
#define C_MODE_PREFETCH_H

#include <stdint.h>

/// Asks the processor to start loading the `lines` cache lines (64 bytes each) from `address` into its
/// caches. A hint only: it reads nothing the program can see, never faults (any address will do, even a
/// freed or bogus one) and may be ignored; it lets the memory accesses that follow find the lines loaded.
static inline __attribute__((always_inline)) void mode_prefetch_lines(uintptr_t address, int lines) {
    for (int line = 0; line < lines; line++) {
        __builtin_prefetch((const void *)(address + (uintptr_t)line * 64), 0, 3);
    }
}

#endif
