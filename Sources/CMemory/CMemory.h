#ifndef CMEMORY_H
#define CMEMORY_H

#include <stdint.h>
#include <string.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
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

// Software prefetch into the L2 cache (not L1) for data needed some microseconds later, so
// that it does not evict what is being worked on. A hint only, as fuq_prefetch.
static inline void fuq_prefetch_l2(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 2);
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

// Copies `count` floats to memory that will not be read again soon (a pseudo-experiment's
// view, ~100 MB): the whole 64-byte lines of the destination are written with non-temporal
// stores, which skip reading each line before writing it and leave the caches to the data
// being computed; the partial lines at either end are copied normally. The stores are weakly
// ordered: call fuq_store_fence before another thread may read the destination. Where SSE2
// is missing this is memcpy.
static inline void fuq_stream_floats(float *dst, const float *src, long count) {
#if defined(__SSE2__)
    if (((uintptr_t)dst & 3) == 0) {
        // Up to 15 values normally, until dst is at a 64-byte boundary.
        while (count > 0 && ((uintptr_t)dst & 63) != 0) { *dst++ = *src++; count--; }
        while (count >= 16) {
            __m128 a = _mm_loadu_ps(src), b = _mm_loadu_ps(src + 4);
            __m128 c = _mm_loadu_ps(src + 8), d = _mm_loadu_ps(src + 12);
            _mm_stream_ps(dst, a);
            _mm_stream_ps(dst + 4, b);
            _mm_stream_ps(dst + 8, c);
            _mm_stream_ps(dst + 12, d);
            dst += 16; src += 16; count -= 16;
        }
    }
    while (count > 0) { *dst++ = *src++; count--; }
#else
    memcpy(dst, src, (size_t)count * sizeof(float));
#endif
}

// Orders the non-temporal stores of fuq_stream_floats before any later store (a no-op where
// they are plain copies).
static inline void fuq_store_fence(void) {
#if defined(__SSE2__)
    _mm_sfence();
#endif
}

#endif
