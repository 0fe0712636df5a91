// The systematics transform kernel's CPU dispatch (its variants: transform_baseline.c,
// transform_avx2.c), the table they pack kept lanes with, and
// the ziggurat noise it draws. See include/fuq_transform.h.
#include "fuq_transform.h"

#include <math.h>
#include <string.h>

#include "transform_internal.h"

#define FUQ_INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__)
#include <cpuid.h>
#define FUQ_X86 1
#else
#define FUQ_X86 0
#endif

#pragma clang fp contract(off)

// MARK: - Noise

FUQ_INLINE uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/// xoshiro256** (SeededGenerator.next), on a state held in locals.
FUQ_INLINE uint64_t next_bits(uint64_t *s) {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

FUQ_INLINE double unit_double(uint64_t *s) { return (double)(next_bits(s) >> 11) * 0x1.0p-53; }
FUQ_INLINE double open_unit_double(uint64_t *s) { return ((double)(next_bits(s) >> 11) + 0.5) * 0x1.0p-53; }

/// One ziggurat variate (SeededGenerator.nextZigguratGaussian: the same steps, the same libm calls).
FUQ_INLINE double ziggurat(uint64_t *s, const double *tx, const double *tf, double r) {
    for (;;) {
        const uint64_t bits = next_bits(s);
        const int i = (int)(bits & 0xFF);
        uint64_t mantissa = (bits >> 12) | 0x3FF0000000000000ull;
        double one_to_two;
        memcpy(&one_to_two, &mantissa, sizeof one_to_two);
        const double u = 2 * one_to_two - 3;
        const double x = u * tx[i];
        if (fabs(x) < tx[i + 1]) return x;
        if (i == 0) {
            double a, b;
            do {
                a = log(open_unit_double(s)) / r;
                b = log(open_unit_double(s));
            } while (-2 * b < a * a);
            return u < 0 ? a - r : r - a;
        }
        if (tf[i + 1] + (tf[i] - tf[i + 1]) * unit_double(s) < exp(-0.5 * x * x)) return x;
    }
}

void fuq_ziggurat_fill(fuq_rng *rng, const fuq_ziggurat *tables, double *x, double *y, long count, double scale) {
    uint64_t s[4] = {rng->s[0], rng->s[1], rng->s[2], rng->s[3]};
    const double *tx = tables->x, *tf = tables->f, r = tables->r;
    if (y) {
        for (long k = 0; k < count; k++) {
            x[k] = scale * ziggurat(s, tx, tf, r);
            y[k] = scale * ziggurat(s, tx, tf, r);
        }
    } else {
        for (long k = 0; k < count; k++) x[k] = scale * ziggurat(s, tx, tf, r);
    }
    memcpy(rng->s, s, sizeof s);
}

// MARK: - Packing the kept lanes

/// For each pattern of kept lanes (bit k = lane k), the kept lanes in order, one per byte (the
/// unused bytes are 7).
uint64_t fuq_compress_order[256];

__attribute__((constructor)) static void fill_compress_order(void) {
    for (int pattern = 0; pattern < 256; pattern++) {
        uint64_t order = 0x0707070707070707ull;
        int kept = 0;
        for (int lane = 0; lane < FUQ_LANES; lane++) {
            if ((pattern >> lane) & 1) {
                order = (order & ~(0xFFull << (8 * kept))) | ((uint64_t)lane << (8 * kept));
                kept++;
            }
        }
        fuq_compress_order[pattern] = order;
    }
}

// MARK: - Dispatch

/// Whether the CPU has the features `leaf7_ebx` (CPUID leaf 7, EBX bits) besides AVX, and the OS
/// saves the register states `xcr0` (XCR0 bits) on context switches.
static int cpu_supports(unsigned xcr0, unsigned leaf7_ebx) {
#if FUQ_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned osxsave = 1u << 27, avx = 1u << 28;
    if ((c & osxsave) == 0 || (c & avx) == 0) return 0;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & xcr0) != xcr0) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & leaf7_ebx) == leaf7_ebx;
#else
    (void)xcr0;
    (void)leaf7_ebx;
    return 0;
#endif
}

/// XCR0: XMM and YMM state; with AVX-512 also the opmask and ZMM states.
#define FUQ_XCR0_AVX 0x06u
#define FUQ_XCR0_AVX512 0xE6u
/// CPUID leaf 7 EBX: AVX2; AVX-512 F, DQ, BW, VL (the AVX-512 variant is compiled for AVX2 too).
#define FUQ_LEAF7_AVX2 (1u << 5)
#define FUQ_LEAF7_AVX512 (FUQ_LEAF7_AVX2 | (1u << 16) | (1u << 17) | (1u << 30) | (1u << 31))

int fuq_transform_best_variant(void) {
    static int best = 0;   // computed once; a benign race writes the same value
    int v = __atomic_load_n(&best, __ATOMIC_RELAXED);
    if (v == 0) {
        v = cpu_supports(FUQ_XCR0_AVX512, FUQ_LEAF7_AVX512) ? FUQ_KERNEL_AVX512
            : cpu_supports(FUQ_XCR0_AVX, FUQ_LEAF7_AVX2) ? FUQ_KERNEL_AVX2 : FUQ_KERNEL_BASELINE;
        __atomic_store_n(&best, v, __ATOMIC_RELAXED);
    }
    return v;
}

long fuq_transform(const fuq_transform_job *job, long begin, long end, long written,
                   fuq_rng *rng, fuq_rare_rows *rare, int variant) {
    // The variants are ordered by the instructions they need: one the CPU lacks runs as the best it has.
    const int best = fuq_transform_best_variant();
    if (variant == FUQ_KERNEL_AUTO || variant > best) variant = best;
#if FUQ_X86
    if (variant == FUQ_KERNEL_AVX512) return fuq_transform_avx512(job, begin, end, written, rng, rare);
    if (variant == FUQ_KERNEL_AVX2) return fuq_transform_avx2(job, begin, end, written, rng, rare);
#endif
    return fuq_transform_baseline(job, begin, end, written, rng, rare);
}
