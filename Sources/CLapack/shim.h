#ifndef CLAPACK_SHIM_H
#define CLAPACK_SHIM_H
// OpenBLAS's CBLAS interface (apt libopenblas-dev) and the LAPACKE C interface to LAPACK
// (apt liblapacke-dev; OpenBLAS ships the Fortran LAPACK symbols but not LAPACKE).
#include <cblas.h>
#include <lapacke.h>
#endif
