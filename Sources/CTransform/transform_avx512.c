// The transform kernel for AVX-512 (F, VL, DQ, BW): the 8-lane Float vectors stay 256-bit, the
// 8-lane Double vectors (masses, transverse sums, soft MET) become one 512-bit register each
// instead of two. Runs only where fuq_transform_best_variant() found AVX-512 (and OS support).
#include "transform_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx2,avx512f,avx512vl,avx512dq,avx512bw"))), apply_to = function)
#define KERNEL_NAME fuq_transform_avx512
#include "transform_avx_kernel.h"
#pragma clang attribute pop
#endif
