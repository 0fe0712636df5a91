#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>

// deflateInit/inflateInit are C macros: wrap them so Swift can call them.
static inline int czlib_deflate_init(z_streamp strm, int level) {
    return deflateInit(strm, level);
}
static inline int czlib_inflate_init(z_streamp strm) {
    return inflateInit(strm);
}
static inline int czlib_deflate_init2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
static inline int czlib_inflate_init2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
