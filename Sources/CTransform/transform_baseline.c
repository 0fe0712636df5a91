// The transform kernel for baseline instructions (SSE2 on x86-64): runs on any CPU of the
// architecture. The 8-lane vectors are split into the registers there are.
#include "transform_internal.h"

#include "transform_math.h"

/// Stores the kept lanes of the 28 scratch vectors at `out` (column stride `stride`) and of the
/// source rows at `rows`: only the kept values.
FUQ_INLINE void pack_lanes_baseline(int pattern, const float *scratch, float *out, long stride,
                                    const int32_t *src, int32_t *rows) {
    const uint64_t order = fuq_compress_order[pattern];
    const int kept = __builtin_popcount(pattern);
    for (int f = 0; f < FUQ_FEATURE_COUNT; f++) {
        for (int q = 0; q < kept; q++) out[f * stride + q] = scratch[f * FUQ_LANES + ((order >> (8 * q)) & 0xFF)];
    }
    for (int q = 0; q < kept; q++) rows[q] = src[(order >> (8 * q)) & 0xFF];
}

#define KERNEL_NAME fuq_transform_baseline
#define KERNEL_PACK pack_lanes_baseline
#include "transform_kernel.h"

// MARK: - Test entry points

void fuq_test_atan2_parts(const float *y, const float *x, float *octants, float *small) {
    vf o, s;
    atan2_parts(load_f(y), load_f(x), &o, &s);
    store_f(octants, o);
    store_f(small, s);
}

void fuq_test_atan2_residual(const float *angle, const float *octants, const float *small, float *out) {
    store_f(out, atan2_residual(load_f(angle), load_f(octants), load_f(small)));
}

int fuq_test_round3(const float *x, float *out) {
    vi near_tie = (vi)0;
    store_f(out, round3_tie(load_f(x), &near_tie));
    return mask_bits(near_tie);
}

void fuq_test_round3_double_to_float(const double *x, float *out) {
    store_f(out, round3_d_to_f(load_d(x)));
}
