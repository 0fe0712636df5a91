// Declarations shared by the kernel's translation units (not part of the module's interface).
#ifndef FUQ_TRANSFORM_INTERNAL_H
#define FUQ_TRANSFORM_INTERNAL_H

#include "fuq_transform.h"

#include <math.h>
#include <string.h>

/// For each pattern of kept lanes (bit k = lane k), the kept lanes in order, one per byte (the
/// unused bytes are 7). Filled before main (a constructor in fuq_transform.c).
extern uint64_t fuq_compress_order[256] __attribute__((visibility("hidden")));

/// The kernel variants (fuq_transform picks one).
__attribute__((visibility("hidden")))
long fuq_transform_baseline(const fuq_transform_job *job, long begin, long end, long written, fuq_rng *rng, fuq_rare_rows *rare);
__attribute__((visibility("hidden")))
long fuq_transform_avx2(const fuq_transform_job *job, long begin, long end, long written, fuq_rng *rng, fuq_rare_rows *rare);
__attribute__((visibility("hidden")))
long fuq_transform_avx512(const fuq_transform_job *job, long begin, long end, long written, fuq_rng *rng, fuq_rare_rows *rare);

#endif
