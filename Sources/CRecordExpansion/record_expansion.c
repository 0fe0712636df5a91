// See CRecordExpansion.h.
#include "CRecordExpansion.h"

#include <string.h>

// Exact arithmetic only: no contraction of a * b + c into a fused multiply-add.
#pragma clang fp contract(off)

typedef int32_t cre_int4 __attribute__((ext_vector_type(4)));
typedef uint32_t cre_uint4 __attribute__((ext_vector_type(4)));
typedef float cre_float4 __attribute__((ext_vector_type(4)));
typedef double cre_double4 __attribute__((ext_vector_type(4)));
typedef int64_t cre_long4 __attribute__((ext_vector_type(4)));
typedef uint8_t cre_byte4 __attribute__((ext_vector_type(4)));

// a[m] = word m of four rows, from a[l] = four words of row l.
static inline __attribute__((always_inline)) void cre_transpose(cre_int4 *a) {
    cre_int4 t0 = __builtin_shufflevector(a[0], a[1], 0, 4, 1, 5), t1 = __builtin_shufflevector(a[0], a[1], 2, 6, 3, 7);
    cre_int4 t2 = __builtin_shufflevector(a[2], a[3], 0, 4, 1, 5), t3 = __builtin_shufflevector(a[2], a[3], 2, 6, 3, 7);
    a[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
    a[1] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    a[2] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    a[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

// Decodes the records r[0 ..< 4] and stores each slot's vector (lane l = record l) as soon as it
// is computed (so that it need not wait in memory): to `row + offsets[slot]` when `toRow`
// (called with a constant), else to v[slot]. The process codes go to codes[0 ..< 4].
static inline __attribute__((always_inline)) void cre_decode(const unsigned char *const *r, const float *table,
                                                             int toRow, float *row, const long *offsets,
                                                             float v[cre_slots][4], uint8_t *codes) {
#define CRE_PUT(slot, value)                                        \
    do {                                                            \
        cre_float4 put_ = (value);                                  \
        memcpy(toRow ? row + offsets[slot] : v[slot], &put_, sizeof put_); \
    } while (0)
    // w[m] = 32-bit word m of the four records.
    cre_int4 w[16];
#pragma unroll
    for (int q = 0; q < 4; q++) {
#pragma unroll
        for (int l = 0; l < 4; l++) memcpy(&w[4 * q + l], r[l] + 16 * q, sizeof w[0]);
        cre_transpose(&w[4 * q]);
    }
#pragma unroll
    for (int s = 0; s < 11; s++) CRE_PUT(cre_slot_floats + s, (cre_float4)w[s]);
    // Angles: Int16 k (low half of word 11 + i / 2 for even i, high half for odd i), then
    // Float(k) / 1000, or -0.0 where bit i of byte 63 (bit 24 + i of word 15) says so. Such
    // bits are rare (an angle rounded to -0.0): one test for the four rows skips their fix-ups.
    const cre_float4 thousand = 1000.0f;
    const int negativeZeros = __builtin_expect(((cre_uint4)w[15] >> 24)[0] | ((cre_uint4)w[15] >> 24)[1] |
                                               ((cre_uint4)w[15] >> 24)[2] | ((cre_uint4)w[15] >> 24)[3], 0) != 0;
    cre_float4 leadingEta = 0;
#pragma unroll
    for (int i = 0; i < 8; i++) {
        cre_int4 word = w[11 + i / 2];
        cre_int4 k = (i % 2 == 0) ? (cre_int4)((cre_uint4)word << 16) >> 16 : word >> 16;
        cre_int4 angle = (cre_int4)(__builtin_convertvector(k, cre_float4) / thousand);
        if (negativeZeros) {
            cre_int4 negativeZero = (cre_int4)((cre_uint4)w[15] << (7 - i)) >> 31;   // -1 where the bit is set
            angle ^= (angle ^ (cre_int4)0x80000000) & negativeZero;
        }
        CRE_PUT(cre_slot_angles + i, (cre_float4)angle);
        if (i % 2 == 1) {
            // cos and sin of the azimuth from the table (one 8-byte pair per row); sin(+-0)
            // keeps the sign of the zero.
            cre_float4 pairs[2];
#pragma unroll
            for (int l = 0; l < 4; l++) {
                int16_t thousandths;
                memcpy(&thousandths, r[l] + cre_angles_offset + 2 * i, sizeof thousandths);
                memcpy((float *)pairs + 2 * l, table + CRE_TABLE_INDEX(thousandths), 2 * sizeof(float));
            }
            cre_float4 c = __builtin_shufflevector(pairs[0], pairs[1], 0, 2, 4, 6);
            cre_float4 s = __builtin_shufflevector(pairs[0], pairs[1], 1, 3, 5, 7);
            if (negativeZeros) s = (cre_float4)((cre_int4)s | (angle & (k == 0) & (cre_int4)0x80000000));
            CRE_PUT(cre_slot_cos_sin + i - 1, c);
            CRE_PUT(cre_slot_cos_sin + i, s);
        }
        if (i == 4) leadingEta = (cre_float4)angle;
        if (i == 6) {
            cre_double4 e1 = __builtin_convertvector(leadingEta, cre_double4);
            cre_double4 e2 = __builtin_convertvector((cre_float4)angle, cre_double4);
            cre_double4 difference = (cre_double4)((cre_long4)(e2 - e1) & (cre_long4)0x7fffffffffffffffLL);
            CRE_PUT(cre_slot_delta_eta, __builtin_convertvector(difference, cre_float4));
            CRE_PUT(cre_slot_prod_eta, __builtin_convertvector(e1 * e2, cre_float4));
        }
    }
    // Bytes 60, 61 and 62: the jet count and the centrality sign (Int8), the process code.
    CRE_PUT(cre_slot_jets, __builtin_convertvector((cre_int4)((cre_uint4)w[15] << 24) >> 24, cre_float4));
    CRE_PUT(cre_slot_sign, __builtin_convertvector((cre_int4)((cre_uint4)w[15] << 16) >> 24, cre_float4));
    cre_byte4 process = __builtin_convertvector(((cre_uint4)w[15] >> 16) & 0xff, cre_byte4);
    memcpy(codes, &process, sizeof process);
#undef CRE_PUT
}

long cre_gather(const unsigned char *records, long recordCount, const int32_t *indices, long count,
                const float *table, const long *fields, long lanes, long blockSize, long prefetchDistance,
                float *out, uint8_t *processCodes, int32_t *sourceRows) {
    // recordCount <= Int32.max, so a negative index is a large unsigned one.
    uint32_t outside = 0, limit = (uint32_t)recordCount;
    for (long j = 0; j < count; j++) outside |= (uint32_t)indices[j] >= limit;
    if (outside) {
        for (long j = 0; j < count; j++) {
            if (indices[j] < 0 || indices[j] >= recordCount) return j;
        }
    }
    long offsets[cre_slots];
    for (int s = 0; s < cre_slots; s++) offsets[s] = fields[s] * lanes;
    float v[cre_slots][4];
    const unsigned char *r[4];
    // Four consecutive rows j ... j + 3 (j a multiple of 4) are contiguous in every field when
    // lanes is a multiple of 4: row j lies at out + block * blockSize + lane.
    long block = 0, lane = 0, j = 0;
    for (; j + 4 <= count && lanes % 4 == 0; j += 4) {
#pragma unroll
        for (int l = 0; l < 4; l++) {
            r[l] = records + (long)indices[j + l] * cre_record_bytes;
            long ahead = j + l + prefetchDistance;
            __builtin_prefetch(records + (long)indices[ahead < count ? ahead : count - 1] * cre_record_bytes, 0, 3);
        }
        cre_decode(r, table, 1, out + block * blockSize + lane, offsets, v, processCodes + j);
#pragma unroll
        for (int l = 0; l < 4; l++) sourceRows[j + l] = (int32_t)(j + l);
        for (lane += 4; lane >= lanes; lane -= lanes) block++;
    }
    // The last rows, and every row when lanes is not a multiple of 4: value by value.
    for (; j < count; j += 4) {
        long valid = count - j < 4 ? count - j : 4;
        uint8_t codes[4];
        for (int l = 0; l < 4; l++) r[l] = records + (long)indices[j + (l < valid ? l : valid - 1)] * cre_record_bytes;
        cre_decode(r, table, 0, out, offsets, v, codes);
        for (long l = 0; l < valid; l++) {
            float *row = out + ((j + l) / lanes) * blockSize + (j + l) % lanes;
            for (int s = 0; s < cre_slots; s++) row[offsets[s]] = v[s][l];
            processCodes[j + l] = codes[l];
            sourceRows[j + l] = (int32_t)(j + l);
        }
    }
    return -1;
}
