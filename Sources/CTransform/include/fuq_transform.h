// The systematics transform's kernel and its soft-MET noise, in C.
//
// Why C: the kernel is 8-lane SIMD code that must run at the widest vectors the CPU has while
// the package is built for baseline x86-64 (no -march flags: the binary runs on any x86-64).
// Swift has no per-function target attribute; C has, so the same kernel source is compiled
// three times (transform_kernel.h): for AVX-512, for AVX2 and for the baseline, and fuq_transform
// picks one at run time from CPUID. All give the same bits: only IEEE-754 operations that are
// correctly rounded (+ - * / sqrt, conversions), no contraction into fused multiply-adds
// (#pragma clang fp contract(off)), no reassociation. The formulas, their order and the layout
// are documented in PreparedEvents+Transform.swift and TransformKernel.swift, which drive this.
#ifndef FUQ_TRANSFORM_H
#define FUQ_TRANSFORM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Rows per SIMD vector (PreparedEvents.lanes).
#define FUQ_LANES 8
/// Prepared fields per row (PreparedEvents.Field, in this order).
enum fuq_field {
    FUQ_HAD_PT, FUQ_LEADING_PT, FUQ_SUBLEADING_PT, FUQ_JET_ALL_PT, FUQ_N_JETS,
    FUQ_MET_X, FUQ_MET_Y,
    FUQ_HAD_COS, FUQ_HAD_SIN, FUQ_LEADING_COS, FUQ_LEADING_SIN, FUQ_SUBLEADING_COS, FUQ_SUBLEADING_SIN,
    FUQ_LEP_COS, FUQ_LEP_SIN,
    FUQ_VIS_FACTOR, FUQ_JET_PAIR_FACTOR, FUQ_CENTRALITY_SIGN,
    FUQ_LEP_PT, FUQ_LEP_ETA, FUQ_LEP_PHI, FUQ_HAD_ETA, FUQ_HAD_PHI,
    FUQ_LEADING_ETA, FUQ_LEADING_PHI, FUQ_SUBLEADING_ETA, FUQ_SUBLEADING_PHI,
    FUQ_DELTA_ETA_JET_JET, FUQ_PROD_ETA_JET_JET, FUQ_DELTA_R_HAD_LEP, FUQ_LEP_ETA_CENTRALITY,
    FUQ_FIELD_COUNT
};
/// Output features (Feature, in record order).
#define FUQ_FEATURE_COUNT 28

/// The state of a xoshiro256** generator (SeededGenerator), moved in and out by value.
typedef struct { uint64_t s[4]; } fuq_rng;

/// The ziggurat's layer tables (ZigguratTables: 257 entries each) and its tail start R.
typedef struct {
    const double *x;
    const double *f;
    double r;
} fuq_ziggurat;

/// For k < count: x[k] then (if y is not NULL) y[k] take the next ziggurat normal variates times
/// `scale` (SeededGenerator.nextZigguratGaussian, value for value).
void fuq_ziggurat_fill(fuq_rng *rng, const fuq_ziggurat *tables, double *x, double *y, long count, double scale);

/// One call of the kernel: rows [begin, end) of the prepared input (blocks of FUQ_LANES rows,
/// FUQ_FIELD_COUNT fields each), written from output row `written` on.
typedef struct {
    const float *input;
    /// Rows in the input (the last block is padded with zero rows).
    long count;
    const int32_t *source_rows;
    /// Feature f of output row k goes to output[f * output_stride + k]; whole vectors are stored,
    /// so every column needs room for the padded row count.
    float *output;
    long output_stride;
    int32_t *rows;
    /// tes, jes and f(s) = (1 - s) / s, rounded to float.
    float tes, jes, tes_factor, jes_factor;
    /// Soft-MET noise width (0: no noise, the generator is not used).
    double soft_met;
    int cuts;
    fuq_ziggurat ziggurat;
    /// Lines to prefetch into L2, one per transformed row: prefetch_base + prefetch_offsets[k] *
    /// prefetch_stride for k < prefetch_count (prefetch_count 0: none).
    const uint8_t *prefetch_base;
    const int32_t *prefetch_offsets;
    long prefetch_count;
    long prefetch_stride;
} fuq_transform_job;

/// Rows that need the exact scalar path after the kernel (their features are stored; the Swift
/// side recomputes PRI_met_phi and the DER features at `positions[k]`): the MET vector of each,
/// in Double (with soft MET) or as the Float one widened.
typedef struct {
    int32_t *positions;
    double *met_x;
    double *met_y;
    /// Capacity of the arrays (at least end - begin); count is set by the call.
    long capacity;
    long count;
} fuq_rare_rows;

/// Kernel variants.
enum fuq_kernel_variant { FUQ_KERNEL_AUTO = 0, FUQ_KERNEL_BASELINE = 1, FUQ_KERNEL_AVX2 = 2, FUQ_KERNEL_AVX512 = 3 };

/// The variant FUQ_KERNEL_AUTO runs on this CPU.
int fuq_transform_best_variant(void);

/// Transforms rows [begin, end) (begin a multiple of FUQ_LANES): stores the surviving rows from
/// output row `written` on, lists the rare ones in `rare`, draws the noise from `rng` (two
/// variates per row, in row order), and returns the new number of written rows. A variant the
/// CPU lacks runs as the best one it has.
long fuq_transform(const fuq_transform_job *job, long begin, long end, long written,
                   fuq_rng *rng, fuq_rare_rows *rare, int variant);

/// Test entry points for the kernel's vector math, lane by lane on 8 values (same code as the
/// kernel; baseline variant): atan2 as octants * pi/4 + small; the residual angle - atan2; the
/// 3-decimal rounding with its near-tie mask (bits); Float(round3(x)) of doubles.
void fuq_test_atan2_parts(const float *y, const float *x, float *octants, float *small);
void fuq_test_atan2_residual(const float *angle, const float *octants, const float *small, float *out);
int fuq_test_round3(const float *x, float *out);
void fuq_test_round3_double_to_float(const double *x, float *out);

#ifdef __cplusplus
}
#endif

#endif
