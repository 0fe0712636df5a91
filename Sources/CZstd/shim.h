#ifndef CZSTD_SHIM_H
#define CZSTD_SHIM_H
// Debian's libzstd-dev: Zstandard, the codec of many Parquet writers (polars, Spark).
#include <zstd.h>
#endif
