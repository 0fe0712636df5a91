// See CRecordExpansion.h.
#include "CRecordExpansion.h"

#include <string.h>

#pragma clang fp contract(off)

typedef int32_t cre_int4 __attribute__((ext_vector_type(4)));
typedef uint32_t cre_uint4 __attribute__((ext_vector_type(4)));
typedef float cre_float4 __attribute__((ext_vector_type(4)));
typedef double cre_double4 __attribute__((ext_vector_type(4)));
typedef int64_t cre_long4 __attribute__((ext_vector_type(4)));

static inline __attribute__((always_inline)) void cre_transpose(cre_int4 *a, cre_int4 *b, cre_int4 *c, cre_int4 *d) {
    cre_int4 t0 = __builtin_shufflevector(*a, *b, 0, 4, 1, 5), t1 = __builtin_shufflevector(*a, *b, 2, 6, 3, 7);
    cre_int4 t2 = __builtin_shufflevector(*c, *d, 0, 4, 1, 5), t3 = __builtin_shufflevector(*c, *d, 2, 6, 3, 7);
    *a = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
    *b = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    *c = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    *d = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

static inline __attribute__((always_inline)) cre_int4 cre_load4(const unsigned char *p) {
    cre_int4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

// Returns the first position whose index is outside 0 ..< recordCount, or -1 if none is, then
// (only if none is) writes rows 0 ..< count: slot s of row j goes to
//     out[(j / lanes) * blockSize + fields[s] * lanes + j % lanes]
// and row j's process code to processCodes[j], and j to sourceRows[j]. Records
// `prefetchDistance` rows ahead are prefetched into L1. `table` is as CRE_TABLE_INDEX says.
long cre_gather(const unsigned char *records, long recordCount, const int32_t *indices, long count,
                const float *table, const long *fields, long lanes, long blockSize, long prefetchDistance,
                float *out, uint8_t *processCodes, int32_t *sourceRows) {
    uint32_t outside = 0;
    for (long j = 0; j < count; j++) outside |= (uint32_t)((uint64_t)(uint32_t)indices[j] >= (uint64_t)recordCount);
    if (outside) {
        for (long j = 0; j < count; j++) {
            if (indices[j] < 0 || indices[j] >= recordCount) return j;
        }
    }
    long offsets[cre_slots];
    for (int s = 0; s < cre_slots; s++) offsets[s] = fields[s] * lanes;
    // Four consecutive rows j ... j + 3 (j a multiple of 4) are contiguous in every field when
    // lanes is a multiple of 4; otherwise each value is stored alone.
    const int contiguous = lanes % 4 == 0;
    const cre_float4 thousand = 1000.0f;
    // Row j lies at block + lane in every field (when contiguous).
    float *block = out;
    long lane = 0;
    for (long j = 0; j < count; j += 4) {
        long valid = count - j < 4 ? count - j : 4;
        const unsigned char *r[4];
        for (int l = 0; l < 4; l++) {
            long row = j + (l < valid ? l : valid - 1);
            r[l] = records + (long)indices[row] * cre_record_bytes;
            long ahead = j + l + prefetchDistance;
            if (ahead < count) __builtin_prefetch(records + (long)indices[ahead] * cre_record_bytes, 0, 3);
        }
        // w[m] = 32-bit word m of the four records.
        cre_int4 w[16];
        for (int q = 0; q < 4; q++) {
            w[4 * q] = cre_load4(r[0] + 16 * q);
            w[4 * q + 1] = cre_load4(r[1] + 16 * q);
            w[4 * q + 2] = cre_load4(r[2] + 16 * q);
            w[4 * q + 3] = cre_load4(r[3] + 16 * q);
            cre_transpose(&w[4 * q], &w[4 * q + 1], &w[4 * q + 2], &w[4 * q + 3]);
        }
        cre_float4 v[cre_slots];
        for (int s = 0; s < 11; s++) v[cre_slot_floats + s] = (cre_float4)w[s];
        // Angles: Int16 k (low half of word 11 + i / 2 for even i, high half for odd i), then
        // Float(k) / 1000, or -0.0 where bit i of byte 63 says so.
        cre_uint4 zeros = (cre_uint4)w[15] >> 24;
        cre_int4 k[8];
        for (int i = 0; i < 8; i++) {
            cre_int4 word = w[11 + i / 2];
            k[i] = (i % 2 == 0) ? (cre_int4)((cre_uint4)word << 16) >> 16 : word >> 16;
            cre_int4 angle = (cre_int4)(__builtin_convertvector(k[i], cre_float4) / thousand);
            cre_int4 negativeZero = -(cre_int4)((zeros >> i) & 1);
            v[cre_slot_angles + i] = (cre_float4)((angle & ~negativeZero) | (negativeZero & (cre_int4)0x80000000));
        }
        // cos and sin of the odd angles from the table; sin(+-0) keeps the sign of the zero.
        for (int p = 0; p < 4; p++) {
            int i = 2 * p + 1;
            cre_float4 c, s;
            for (int l = 0; l < 4; l++) {
                int16_t kk;
                memcpy(&kk, r[l] + cre_angles_offset + 2 * i, sizeof kk);
                c[l] = table[CRE_TABLE_INDEX(kk)];
                s[l] = table[CRE_TABLE_INDEX(kk) + 1];
            }
            cre_int4 zero = k[i] == 0;   // -1 where true
            v[cre_slot_cos_sin + 2 * p] = c;
            v[cre_slot_cos_sin + 2 * p + 1] = (cre_float4)((cre_int4)s | ((cre_int4)v[cre_slot_angles + i] & zero & (cre_int4)0x80000000));
        }
        cre_double4 e1 = __builtin_convertvector(v[cre_slot_angles + 4], cre_double4);
        cre_double4 e2 = __builtin_convertvector(v[cre_slot_angles + 6], cre_double4);
        cre_double4 difference = (cre_double4)((cre_long4)(e2 - e1) & (cre_long4)0x7fffffffffffffffLL);
        v[cre_slot_delta_eta] = __builtin_convertvector(difference, cre_float4);
        v[cre_slot_prod_eta] = __builtin_convertvector(e1 * e2, cre_float4);
        v[cre_slot_jets] = __builtin_convertvector((cre_int4)((cre_uint4)w[15] << 24) >> 24, cre_float4);
        v[cre_slot_sign] = __builtin_convertvector((cre_int4)((cre_uint4)w[15] << 16) >> 24, cre_float4);

        if (contiguous && valid == 4) {
            for (int s = 0; s < cre_slots; s++) memcpy(block + lane + offsets[s], &v[s], sizeof v[s]);
        } else {
            for (long l = 0; l < valid; l++) {
                float *row = out + ((j + l) / lanes) * blockSize + (j + l) % lanes;
                for (int s = 0; s < cre_slots; s++) row[offsets[s]] = v[s][l];
            }
        }
        for (long l = 0; l < valid; l++) {
            processCodes[j + l] = r[l][cre_process_offset];
            sourceRows[j + l] = (int32_t)(j + l);
        }
        lane += 4;
        if (lane >= lanes) {
            lane = 0;
            block += blockSize;
        }
    }
    return -1;
}
