// The transform kernel for AVX2 (256-bit vectors): every function of this file is compiled for
// AVX2 and runs only where fuq_transform_best_variant() found it.
#include "transform_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define KERNEL_NAME fuq_transform_avx2
#include "transform_avx_kernel.h"
#pragma clang attribute pop
#endif
