// Vector square roots, minima and maxima for the systematics transform's SIMD kernel.
//
// Why C: on Linux, Swift's `squareRoot()` goes through a C shim compiled with -fmath-errno, so
// every lane becomes a scalar sqrt with a branch to the errno-setting library call, and the SIMD
// kernel stops being SIMD. Clang's elementwise builtins map to LLVM's vector intrinsics
// (sqrtps/sqrtpd on x86-64, fsqrt on arm64) with no errno. Header-only (static inline): nothing
// to link. Clang ext_vector_type(N) types import into Swift as SIMDN<Float> / SIMDN<Double>.
#ifndef CVECTORMATH_H
#define CVECTORMATH_H

typedef float cvm_float4 __attribute__((ext_vector_type(4)));
typedef double cvm_double4 __attribute__((ext_vector_type(4)));
typedef float cvm_float8 __attribute__((ext_vector_type(8)));
typedef double cvm_double8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) cvm_float4 cvm_sqrt_f4(cvm_float4 x) { return __builtin_elementwise_sqrt(x); }
static inline __attribute__((always_inline)) cvm_double4 cvm_sqrt_d4(cvm_double4 x) { return __builtin_elementwise_sqrt(x); }
static inline __attribute__((always_inline)) cvm_float8 cvm_sqrt_f8(cvm_float8 x) { return __builtin_elementwise_sqrt(x); }
static inline __attribute__((always_inline)) cvm_double8 cvm_sqrt_d8(cvm_double8 x) { return __builtin_elementwise_sqrt(x); }

static inline __attribute__((always_inline)) cvm_float4 cvm_max_f4(cvm_float4 a, cvm_float4 b) { return __builtin_elementwise_max(a, b); }
static inline __attribute__((always_inline)) cvm_float8 cvm_max_f8(cvm_float8 a, cvm_float8 b) { return __builtin_elementwise_max(a, b); }
static inline __attribute__((always_inline)) cvm_double4 cvm_max_d4(cvm_double4 a, cvm_double4 b) { return __builtin_elementwise_max(a, b); }
static inline __attribute__((always_inline)) cvm_double8 cvm_max_d8(cvm_double8 a, cvm_double8 b) { return __builtin_elementwise_max(a, b); }
static inline __attribute__((always_inline)) cvm_double4 cvm_min_d4(cvm_double4 a, cvm_double4 b) { return __builtin_elementwise_min(a, b); }
static inline __attribute__((always_inline)) cvm_double8 cvm_min_d8(cvm_double8 a, cvm_double8 b) { return __builtin_elementwise_min(a, b); }

#endif
