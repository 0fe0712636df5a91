// Expansion of the pool's 64-byte records into the transform's prepared layout, four rows at a
// time (PoolRecords.gather; the record layout is documented there).
//
// Why C: Swift expands a record field by field, one row at a time, with a table lookup per angle
// and a range check per lookup (~60 cycles per row). Here four records are loaded as 4 x 4
// 32-bit words, transposed so that each word of the four rows is one vector, and every field of
// the four rows is decoded with vector operations and stored as one vector. Every operation is
// exact (copies, integer shifts, int -> float conversions, one IEEE division, Float64 sums and
// products rounded once), so the values are bit for bit those of the formulas in PoolRecords.
// Clang's ext_vector_type lowers to SSE2 on x86-64 and NEON on arm64. A C target rather than
// a header, so that it is compiled with -O2 (inline C imported into Swift is optimised for size:
// not unrolled, vectors spilled to the stack, 2.5x slower than the Swift it replaces).
#ifndef CRECORDEXPANSION_H
#define CRECORDEXPANSION_H

#include <stdint.h>

// The 31 expanded values of a record, in the order the `fields` argument of cre_gather maps them
// to prepared fields.
enum {
    cre_slot_floats = 0,    // 0 ..< 11: the Float32 values of bytes 0 ..< 44, in order
    cre_slot_angles = 11,   // 11 ..< 19: the angles of bytes 44 ..< 60, in order
    cre_slot_cos_sin = 19,  // 19 ..< 27: cos, sin of angles 1, 3, 5, 7 (cos1, sin1, cos3, ...)
    cre_slot_delta_eta = 27, // |angle 6 - angle 4|, in Float64
    cre_slot_prod_eta = 28,  // angle 4 x angle 6, in Float64
    cre_slot_jets = 29,      // the Int8 of byte 60
    cre_slot_sign = 30,      // the Int8 of byte 61
    cre_slots = 31
};

// Bytes per record; the Int16 angles start at byte 44, the process code is byte 62.
enum { cre_record_bytes = 64, cre_angles_offset = 44, cre_process_offset = 62 };

// The table entry of angle thousandths k (any Int16): `table[2 (k + 32768)]` is the cosine and
// the next value the sine of the angle k / 1000.
#define CRE_TABLE_INDEX(k) (2 * ((long)(k) + 32768))

// Returns the first position whose index is outside 0 ..< recordCount, or -1 if none is, then
// (only if none is) writes rows 0 ..< count: slot s of row j goes to
//     out[(j / lanes) * blockSize + fields[s] * lanes + j % lanes]
// and row j's process code to processCodes[j], and j to sourceRows[j]. Records
// `prefetchDistance` rows ahead are prefetched into L1. `table` is as CRE_TABLE_INDEX says.
long cre_gather(const unsigned char *records, long recordCount, const int32_t *indices, long count,
                const float *table, const long *fields, long lanes, long blockSize, long prefetchDistance,
                float *out, uint8_t *processCodes, int32_t *sourceRows);

#endif
