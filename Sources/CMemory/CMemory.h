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

// Streams one 64-byte line to `dst`, which must be 64-byte aligned, with non-temporal stores:
// the line is not read first and does not displace cached data. `src` may be unaligned. Where
// SSE2 is missing this is memcpy.
static inline void fuq_stream_line(void *dst, const void *src) {
#if defined(__SSE2__)
    const __m128i *s = (const __m128i *)src;
    __m128i *d = (__m128i *)dst;
    __m128i a = _mm_loadu_si128(s), b = _mm_loadu_si128(s + 1);
    __m128i c = _mm_loadu_si128(s + 2), e = _mm_loadu_si128(s + 3);
    _mm_stream_si128(d, a);
    _mm_stream_si128(d + 1, b);
    _mm_stream_si128(d + 2, c);
    _mm_stream_si128(d + 3, e);
#else
    memcpy(dst, src, 64);
#endif
}

// Appends `bytes` bytes from `src` at byte `offset` of `column`, memory that will not be read
// again soon (a pseudo-experiment's view, ~100 MB, and its provenance): only whole, aligned
// 64-byte lines are stored, with non-temporal stores, so no line of the destination is read
// before it is written and none is written twice (a partial line written with ordinary stores
// is read first; mixing both kinds on one line costs a flush). The bytes of the line that is not
// yet full wait in `carry` (64 bytes, kept by the caller from one call to the next, for bytes
// appended in order from offset 0); the column's first bytes up to its first 64-byte boundary
// are stored directly. fuq_stream_finish writes what the carry holds.
static inline void fuq_stream_append(void *column, long offset, const void *src, long bytes, void *carry) {
    unsigned char *d = (unsigned char *)column, *c = (unsigned char *)carry;
    const unsigned char *s = (const unsigned char *)src;
    long head = (long)(-(uintptr_t)d & 63);
    long r = offset, i = 0;
    if (r < head) {
        long take = head - r < bytes ? head - r : bytes;
        memcpy(d + r, s, (size_t)take);
        r += take;
        i += take;
    }
    if (i == bytes) return;
    long slot = (r - head) & 63;
    if (slot != 0) {
        long take = 64 - slot < bytes - i ? 64 - slot : bytes - i;
        memcpy(c + slot, s + i, (size_t)take);
        i += take;
        r += take;
        if (slot + take < 64) return;
        fuq_stream_line(d + r - 64, c);
    }
    for (; bytes - i >= 64; i += 64, r += 64) fuq_stream_line(d + r, s + i);
    memcpy(c, s + i, (size_t)(bytes - i));
}

// Ends a series of fuq_stream_append to `column` that appended `bytes` bytes in all: stores the
// bytes still waiting in the carry (ordinary stores). Call fuq_store_fence after the last.
static inline void fuq_stream_finish(void *column, long bytes, const void *carry) {
    unsigned char *d = (unsigned char *)column;
    long head = (long)(-(uintptr_t)d & 63);
    if (bytes <= head) return;
    long slot = (bytes - head) & 63;
    memcpy(d + bytes - slot, carry, (size_t)slot);
}

// fuq_stream_append for `columns` float columns, column f starting at `view + f * viewStride`:
// the values `src[f * srcStride + i]`, i < count, become its rows `row + i`. `carry` holds 16
// floats per column.
static inline void fuq_stream_rows(float *view, long viewStride, long columns, long row,
                                   const float *src, long srcStride, long count, float *carry) {
    for (long f = 0; f < columns; f++) {
        fuq_stream_append(view + f * viewStride, row * (long)sizeof(float), src + f * srcStride,
                          count * (long)sizeof(float), carry + 16 * f);
    }
}

// fuq_stream_finish for the columns of fuq_stream_rows, after `rows` rows in all.
static inline void fuq_stream_rows_finish(float *view, long viewStride, long columns, long rows,
                                          const float *carry) {
    for (long f = 0; f < columns; f++) {
        fuq_stream_finish(view + f * viewStride, rows * (long)sizeof(float), carry + 16 * f);
    }
}

#endif
