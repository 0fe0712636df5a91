#ifndef CPREFETCH_H
#define CPREFETCH_H

// Software prefetch for gathers of scattered records (Swift has no prefetch intrinsic).
// A hint only: it never changes results, and compiles to nothing where unsupported.
static inline void fuq_prefetch(const void *address) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address, 0, 3);
#else
    (void)address;
#endif
}

#endif
