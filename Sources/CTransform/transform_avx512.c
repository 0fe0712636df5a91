// The transform kernel for AVX-512 (F, VL, DQ, BW): the 8-lane Float vectors stay 256-bit, the
// 8-lane Double vectors (masses, transverse sums, soft MET) become one 512-bit register each
// instead of two. Runs only where fuq_transform_best_variant() found AVX-512 (and OS support).
#include "transform_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,avx512f,avx512vl,avx512dq,avx512bw"))), apply_to = function)

#include "transform_math.h"

/// pack_lanes_baseline with one permute per column; writes whole vectors (the lanes past the
/// kept ones are overwritten by the next vector, or lie in the column's padding).
FUQ_INLINE void pack_lanes_avx512(int pattern, const float *scratch, float *out, long stride, const int32_t *src, int32_t *rows) {
    const __m256i order = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)fuq_compress_order[pattern]));
    for (int f = 0; f < FUQ_FEATURE_COUNT; f++) {
        _mm256_storeu_ps(out + f * stride, _mm256_permutevar8x32_ps(_mm256_load_ps(scratch + f * FUQ_LANES), order));
    }
    _mm256_storeu_si256((__m256i *)rows, _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)src), order));
}

#define KERNEL_NAME fuq_transform_avx512
#define KERNEL_PACK pack_lanes_avx512
#include "transform_kernel.h"

#pragma clang attribute pop
#endif
