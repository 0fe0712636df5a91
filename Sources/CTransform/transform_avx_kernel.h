// The kernel's body for the AVX2 and AVX-512 variants: included by transform_avx2.c and
// transform_avx512.c after they set the target of every function that follows (with #pragma
// clang attribute) and define KERNEL_NAME. Kept lanes are packed with AVX2 permutes.

#include "transform_math.h"

/// pack_lanes_baseline with one permute per column; writes whole vectors (the lanes past the
/// kept ones are overwritten by the next vector, or lie in the column's padding).
FUQ_INLINE void pack_lanes_avx(int pattern, const float *scratch, float *out, long stride, const int32_t *src, int32_t *rows) {
    const __m256i order = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)fuq_compress_order[pattern]));
    for (int f = 0; f < FUQ_FEATURE_COUNT; f++) {
        _mm256_storeu_ps(out + f * stride, _mm256_permutevar8x32_ps(_mm256_load_ps(scratch + f * FUQ_LANES), order));
    }
    _mm256_storeu_si256((__m256i *)rows, _mm256_permutevar8x32_epi32(_mm256_loadu_si256((const __m256i *)src), order));
}

#define KERNEL_PACK pack_lanes_avx
#include "transform_kernel.h"
