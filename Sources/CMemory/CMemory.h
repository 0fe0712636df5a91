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

// Orders the non-temporal stores of fuq_stream_line before any later store (a no-op where
// they are plain copies).
static inline void fuq_store_fence(void) {
#if defined(__SSE2__)
    _mm_sfence();
#endif
}

// Streams one 64-byte line (16 floats) to `dst`, which must be 64-byte aligned, with
// non-temporal stores: the line is not read first and does not displace cached data. `src`
// may be unaligned. Where SSE2 is missing this is memcpy.
static inline void fuq_stream_line(float *dst, const float *src) {
#if defined(__SSE2__)
    __m128 a = _mm_loadu_ps(src), b = _mm_loadu_ps(src + 4);
    __m128 c = _mm_loadu_ps(src + 8), d = _mm_loadu_ps(src + 12);
    _mm_stream_ps(dst, a);
    _mm_stream_ps(dst + 4, b);
    _mm_stream_ps(dst + 8, c);
    _mm_stream_ps(dst + 12, d);
#else
    memcpy(dst, src, 16 * sizeof(float));
#endif
}

// Appends `count` rows to `columns` columns of memory that will not be read again soon (a
// pseudo-experiment's view, ~100 MB): column f starts at `view + f * viewStride`, and the
// values `src[f * srcStride + i]`, i < count, become its rows `row + i`. Only whole, aligned
// 64-byte lines are stored, with non-temporal stores, so no line of the destination is read
// before it is written and none is written twice (a partial line written with ordinary stores
// is read first; mixing both kinds on one line costs a flush). The values of a column's line
// that is not yet full wait in `carry` (16 floats per column, kept by the caller from one call
// to the next, for rows appended in order from row 0); a column's first values up to its first
// 64-byte boundary are stored directly. fuq_stream_rows_finish writes what the carries hold.
static inline void fuq_stream_rows(float *view, long viewStride, long columns, long row,
                                   const float *src, long srcStride, long count, float *carry) {
    for (long f = 0; f < columns; f++) {
        float *column = view + f * viewStride;
        const float *s = src + f * srcStride;
        float *c = carry + 16 * f;
        long head = (long)((-(uintptr_t)column & 63) / sizeof(float));
        long r = row, i = 0;
        for (; r < head && i < count; r++, i++) column[r] = s[i];
        if (i == count) continue;
        long slot = (r - head) & 15;
        if (slot != 0) {
            long take = 16 - slot < count - i ? 16 - slot : count - i;
            memcpy(c + slot, s + i, (size_t)take * sizeof(float));
            i += take;
            r += take;
            if (slot + take < 16) continue;
            fuq_stream_line(column + r - 16, c);
        }
        for (; count - i >= 16; i += 16, r += 16) fuq_stream_line(column + r, s + i);
        memcpy(c, s + i, (size_t)(count - i) * sizeof(float));
    }
}

// Ends a series of fuq_stream_rows that appended `rows` rows in all: stores the values still
// waiting in the carries (ordinary stores), then fences the non-temporal stores.
static inline void fuq_stream_rows_finish(float *view, long viewStride, long columns, long rows,
                                          const float *carry) {
    for (long f = 0; f < columns; f++) {
        float *column = view + f * viewStride;
        long head = (long)((-(uintptr_t)column & 63) / sizeof(float));
        if (rows <= head) continue;
        long slot = (rows - head) & 15;
        memcpy(column + rows - slot, carry + 16 * f, (size_t)slot * sizeof(float));
    }
    fuq_store_fence();
}

#endif
