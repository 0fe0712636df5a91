// Vector math of the transform kernel, 8 lanes (see fuq_transform.h for why it is C). Every
// function is always inlined, so it is compiled for the instruction set of the kernel variant
// that calls it. Constants are the exact Float values the Swift code used (hex literals: a
// decimal literal may round differently in Swift, through Float80, than in C).
#ifndef FUQ_TRANSFORM_MATH_H
#define FUQ_TRANSFORM_MATH_H

#include <stdint.h>
#include <string.h>

#pragma clang fp contract(off)
// Vectors wider than the variant's registers (8 floats without AVX, 8 doubles without AVX-512)
// would be passed in memory; every helper is inlined, so no call crosses that boundary (clang
// warns all the same).
#pragma clang diagnostic ignored "-Wpsabi"

typedef float vf __attribute__((ext_vector_type(8)));
typedef double vd __attribute__((ext_vector_type(8)));
typedef int32_t vi __attribute__((ext_vector_type(8)));
typedef uint32_t vu __attribute__((ext_vector_type(8)));
typedef int64_t vl __attribute__((ext_vector_type(8)));
typedef uint64_t vul __attribute__((ext_vector_type(8)));

#define FUQ_INLINE static inline __attribute__((always_inline))

FUQ_INLINE vf load_f(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
FUQ_INLINE vd load_d(const double *p) { vd v; memcpy(&v, p, sizeof v); return v; }
FUQ_INLINE void store_f(float *p, vf v) { memcpy(p, &v, sizeof v); }
FUQ_INLINE vf splat_f(float x) { return (vf)x; }

/// m ? a : b lane by lane (m: all ones or zero per lane).
FUQ_INLINE vf sel_f(vi m, vf a, vf b) { return (vf)(((vu)m & (vu)a) | (~(vu)m & (vu)b)); }
FUQ_INLINE vd sel_d(vl m, vd a, vd b) { return (vd)(((vul)m & (vul)a) | (~(vul)m & (vul)b)); }
/// Lane k of the mask as bit k.
FUQ_INLINE int mask_bits(vi m) { return __builtin_reduce_or(m & (vi){1, 2, 4, 8, 16, 32, 64, 128}); }
FUQ_INLINE vi narrow_mask(vl m) { return __builtin_convertvector(m, vi); }

FUQ_INLINE vd widen(vf x) { return __builtin_convertvector(x, vd); }
FUQ_INLINE vf narrow(vd x) { return __builtin_convertvector(x, vf); }
FUQ_INLINE vf sqrt_f(vf x) { return __builtin_elementwise_sqrt(x); }
FUQ_INLINE vd sqrt_d(vd x) { return __builtin_elementwise_sqrt(x); }
FUQ_INLINE vd clamped_at_zero(vd x) { return __builtin_elementwise_max(x, (vd)0.0); }
/// Swift's prefix minus on SIMD vectors is 0 - x (so -(+0) = +0, -(-0) = +0): kept for the bits.
FUQ_INLINE vf negated(vf x) { return (vf)0.0f - x; }

/// round3 (rint(1000 x) / 1000 in Float, ties to even), marking in *near_tie the lanes whose
/// 1000 x lies within 1e-3 of a tie.
FUQ_INLINE vf round3_tie(vf x, vi *near_tie) {
    vf v = x * 1000.0f;
    vu b = (vu)v;
    vf a = (vf)(b & 0x7FFFFFFFu);
    vi big = a >= 0x1p23f;
    vf r = sel_f(big, a, (a + 0x1p23f) - 0x1p23f);
    const float tie = 0x1.fef9dcp-2f;   // Float(0.499)
    *near_tie = *near_tie | (a - r >= tie) | (r - a >= tie);
    return (vf)((vu)r | (b & 0x80000000u)) / 1000.0f;
}

FUQ_INLINE vf round3(vf x) { vi unused = (vi)0; return round3_tie(x, &unused); }

/// round3 of doubles (rint(1000 x) / 1000 in Double).
FUQ_INLINE vd round3_d(vd x) {
    vd v = x * 1000.0;
    vul b = (vul)v;
    vd a = (vd)(b & 0x7FFFFFFFFFFFFFFFull);
    vd r = sel_d(a >= 0x1p52, a, (a + 0x1p52) - 0x1p52);
    return (vd)((vul)r | (b & 0x8000000000000000ull)) / 1000.0;
}

/// Float(round3(x)) of doubles with one Float division while |1000 x| < 2^24 (k = rint(1000 x)
/// is then a Float, and a quotient rounded to 53 bits then 24 is the quotient rounded to 24).
FUQ_INLINE vf round3_d_to_f(vd x) {
    vd v = x * 1000.0;
    vul b = (vul)v;
    vd a = (vd)(b & 0x7FFFFFFFFFFFFFFFull);
    if (__builtin_reduce_or(a >= 0x1p24) != 0) return narrow(round3_d(x));
    vd r = (a + 0x1p52) - 0x1p52;
    return narrow((vd)((vul)r | (b & 0x8000000000000000ull))) / 1000.0f;
}

/// atan2(y, x) = octants * pi/4 + small, octants in -4...4, |small| <= tan(pi/8) to 5e-8
/// (a weighted least-squares polynomial after one octant reduction; libm's signed zeros).
FUQ_INLINE void atan2_parts(vf y, vf x, vf *octants, vf *small_out) {
    const vu sign = (vu)0x80000000u;
    vu xb = (vu)x, yb = (vu)y;
    vf ax = (vf)(xb & ~sign), ay = (vf)(yb & ~sign);
    vi y_larger = ay > ax;
    vf lo = sel_f(y_larger, ax, ay), hi = sel_f(y_larger, ay, ax);
    vi reduce = lo > 0x1.a8279ap-2f * hi;   // Float(0.41421356)
    vf num = sel_f(reduce, lo - hi, lo);
    vf den = sel_f(reduce, lo + hi, hi);
    vf t = sel_f(hi == 0.0f, (vf)0.0f, num / den);
    vf z = t * t;
    vf p = (vf)0x1.42dcd6p-4f;               // 0.07882388681173325
    p = p * z - 0x1.1af96p-3f;               // 0.13817095756530762
    p = p * z + 0x1.9901bep-3f;              // 0.19971035420894623
    p = p * z - 0x1.5553bep-2f;              // 0.3333272635936737
    vf small = t + t * z * p;
    vf k = sel_f(reduce, (vf)1.0f, (vf)0.0f);
    k = sel_f(y_larger, 2.0f - k, k);
    small = sel_f(y_larger, negated(small), small);
    vi x_negative = (vi)((xb & sign) != 0u);
    k = sel_f(x_negative, 4.0f - k, k);
    small = sel_f(x_negative, negated(small), small);
    *octants = (vf)((vu)k ^ (yb & sign));
    *small_out = (vf)((vu)small ^ (yb & sign));
}

/// Float.pi / 4 as Swift has it (Float.pi is pi rounded toward zero).
#define FUQ_QUARTER_PI 0x1.921fb4p-1f

/// angle - atan2(y, x) for an angle within a few 1e-3 of it: the octants' multiple of pi/4 is
/// subtracted in two parts (Cody-Waite; k * 0.78515625 is exact).
FUQ_INLINE vf atan2_residual(vf angle, vf octants, vf small) {
    return ((angle - octants * 0.78515625f) - octants * 0x1.fb5444p-13f) - small;   // 2.4191339e-4
}

#endif
