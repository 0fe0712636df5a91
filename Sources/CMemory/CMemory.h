#ifndef CMEMORY_H
#define CMEMORY_H

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

// Software prefetch for gathers of scattered records (Swift has no prefetch intrinsic).
// A hint only: it never changes results, and compiles to nothing where unsupported.
static inline void fuq_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#else
    (void)address;
#endif
}

// glibc serves every block above 32 MB with its own mmap and unmaps it when freed, so a
// process that allocates one ~100 MB array per pseudo-experiment pays ~25,000 page faults
// and zeroes 100 MB each time. Raising the mmap and trim thresholds to 1 GB keeps such blocks
// in the heap for reuse. Returns 1 if applied, 0 where there is no glibc.
static inline int fuq_reuse_large_blocks(void) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, 1 << 30) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
#else
    return 0;
#endif
}

#endif
