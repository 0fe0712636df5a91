#ifndef CSNAPPY_SHIM_H
#define CSNAPPY_SHIM_H
// Debian's libsnappy-dev: the C interface of Google's snappy (Parquet's default codec).
#include <snappy-c.h>
#endif
