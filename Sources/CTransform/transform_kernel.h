// The transform kernel's body, compiled once per variant (transform_baseline.c, transform_avx2.c,
// transform_avx512.c, each with its own copy of the inlined math of transform_math.h), which define
//   KERNEL_NAME    the function's name
//   KERNEL_PACK    the function that packs the kept lanes of a vector (pack_lanes_*)
// The formulas and their order follow PreparedEvents+Transform.swift (the contract) and must not
// change a bit: each step is the one the conformance and pinned-view tests were written against.

/// The post-selection cut on one jet: where its rounded pt lies in [0, 26] it is removed (pt, eta,
/// phi := -25, PRI_jet_all_pt -= pt, n_jets -= 1). Returns the lanes where it was.
FUQ_INLINE vi remove_soft_jet(vf *pt, vf *eta, vf *phi, vf *all_pt, vf *n_jets) {
    const vi remove = (*pt >= 0.0f) & (*pt <= 26.0f);
    const vf undefined = splat_f(-25.0f);
    *all_pt = sel_f(remove, *all_pt - *pt, *all_pt);
    *n_jets = sel_f(remove, *n_jets - 1.0f, *n_jets);
    *pt = sel_f(remove, undefined, *pt);
    *eta = sel_f(remove, undefined, *eta);
    *phi = sel_f(remove, undefined, *phi);
    return remove;
}

long KERNEL_NAME(const fuq_transform_job *job, long begin, long end, long written, fuq_rng *rng,
                 fuq_rare_rows *rare) {
    enum { BLOCK = 64, N = FUQ_LANES, F = FUQ_FIELD_COUNT };
    double noise_x[BLOCK + N] = {0}, noise_y[BLOCK + N] = {0};
    float scratch[FUQ_FEATURE_COUNT * N] __attribute__((aligned(32)));
    const long count = job->count, stride = job->output_stride;
    float *const out = job->output;
    int32_t *const rows = job->rows;
    const int soft = job->soft_met > 0, cuts = job->cuts;
    const float tes = job->tes, jes = job->jes, tes_factor = job->tes_factor, jes_factor = job->jes_factor;
    const vf undefined = splat_f(-25.0f);
    rare->count = 0;   // at most one entry per row: capacity >= end - begin

    for (long start = begin; start < end; start += BLOCK) {
        const long m = end - start < BLOCK ? end - start : BLOCK;
        if (soft) fuq_ziggurat_fill(rng, &job->ziggurat, noise_x, noise_y, m, job->soft_met);
        for (long j = 0; j < m; j += N) {
            const long i = start + j;
            for (long k = i; k < i + N && k < job->prefetch_count; k++) {
                __builtin_prefetch(job->prefetch_base + (long)job->prefetch_offsets[k] * job->prefetch_stride, 0, 2);
            }
            const float *block = job->input + (i / N) * (F * N);
#define LOAD(field) load_f(block + (field) * N)

            // Energy scales and their propagation into the MET vector, in Float32.
            const vf nj0 = LOAD(FUQ_N_JETS);
            const vi has1 = nj0 >= 1.0f, has2 = nj0 >= 2.0f;
            const vf had1 = LOAD(FUQ_HAD_PT) * tes;
            const vf j10 = LOAD(FUQ_LEADING_PT), j20 = LOAD(FUQ_SUBLEADING_PT);
            const vf j11 = sel_f(has1, j10 * jes, j10);
            const vf j21 = sel_f(has2, j20 * jes, j20);
            const vf j1_met = sel_f(has1, j11, (vf)0.0f);
            const vf j2_met = sel_f(has2, j21, (vf)0.0f);
            const vf had_cos = LOAD(FUQ_HAD_COS), had_sin = LOAD(FUQ_HAD_SIN);
            const vf j1_cos = LOAD(FUQ_LEADING_COS), j1_sin = LOAD(FUQ_LEADING_SIN);
            const vf j2_cos = LOAD(FUQ_SUBLEADING_COS), j2_sin = LOAD(FUQ_SUBLEADING_SIN);
            vf mx = LOAD(FUQ_MET_X), my = LOAD(FUQ_MET_Y);
            mx = mx + had1 * had_cos * tes_factor;
            my = my + had1 * had_sin * tes_factor;
            mx = mx + j1_met * j1_cos * jes_factor;
            my = my + j1_met * j1_sin * jes_factor;
            mx = mx + j2_met * j2_cos * jes_factor;
            my = my + j2_met * j2_sin * jes_factor;

            // |m| (Float32, or Float64 with the Float64 noise) and its polynomial angle; lanes
            // near a rounding tie take the exact path.
            vf met_r, xf, yf, rf;
            vd x = (vd)0.0, y = (vd)0.0;
            if (soft) {
                x = widen(mx) + load_d(noise_x + j);
                y = widen(my) + load_d(noise_y + j);
                const vd r = sqrt_d(x * x + y * y);
                met_r = round3_d_to_f(r);
                xf = narrow(x); yf = narrow(y); rf = narrow(r);
            } else {
                rf = sqrt_f(mx * mx + my * my);
                met_r = round3(rf);
                xf = mx; yf = my;
            }
            vf octants, small;
            atan2_parts(yf, xf, &octants, &small);
            const vf phi = octants * FUQ_QUARTER_PI + small;
            vi near_tie = (vi)0;
            const vf phi_r = round3_tie(phi, &near_tie);
            // cos, sin of the rounded angle: m / |m| turned by eps = phi_r - phi.
            const vi zero_length = rf == 0.0f;
            const vf cphi = sel_f(zero_length, (vf)1.0f, xf / rf);
            const vf sphi = sel_f(zero_length, (vf)0.0f, yf / rf);
            const vf eps = atan2_residual(phi_r, octants, small);
            const vf c2 = 1.0f - 0.5f * eps * eps;
            const vf met_cos = cphi * c2 - sphi * eps, met_sin = sphi * c2 + cphi * eps;

            // Rounding and the post-selection cuts.
            const vf had_r = round3(had1);
            vf j1_r = round3(j11), j2_r = round3(j21);
            vf all_r = round3(LOAD(FUQ_JET_ALL_PT) * jes);
            vf nj = nj0;
            vf eta1 = LOAD(FUQ_LEADING_ETA), phi1 = LOAD(FUQ_LEADING_PHI);
            vf eta2 = LOAD(FUQ_SUBLEADING_ETA), phi2 = LOAD(FUQ_SUBLEADING_PHI);
            const vf lep_pt = LOAD(FUQ_LEP_PT);
            vi keep = (vi)-1, rare_mask = near_tie;
            if (cuts) {
                keep = (had_r >= 26.0f) & (lep_pt >= 20.0f);
                // The subleading jet first, then the leading one.
                const vi remove_sub = remove_soft_jet(&j2_r, &eta2, &phi2, &all_r, &nj);
                const vi remove_lead = remove_soft_jet(&j1_r, &eta1, &phi1, &all_r, &nj);
                // A removed jet that n_jets still counts enters the DER formulas with its -25s.
                rare_mask = rare_mask | (remove_lead & (nj >= 1.0f)) | (remove_sub & (nj >= 2.0f));
            }

            // The 12 DER features; masses and transverse sums in Float64.
            const vf lep_cos = LOAD(FUQ_LEP_COS), lep_sin = LOAD(FUQ_LEP_SIN);
            const vf ux = met_cos - lep_cos, uy = met_sin - lep_sin;
            const vd lep_d = widen(lep_pt);
            const vf mt = narrow(sqrt_d(clamped_at_zero(widen(met_r) * lep_d * widen(ux * ux + uy * uy))));
            const vf mvis = narrow(sqrt_d(clamped_at_zero(lep_d * widen(had_r) * widen(LOAD(FUQ_VIS_FACTOR)))));
            const vi on1 = nj >= 1.0f, on2 = nj >= 2.0f;
            const vd hx = widen(had_r * had_cos) + widen(lep_pt * lep_cos) + widen(met_r * met_cos);
            const vd hy = widen(had_r * had_sin) + widen(lep_pt * lep_sin) + widen(met_r * met_sin);
            const vd tx = hx + widen(sel_f(on1, j1_r * j1_cos, (vf)0.0f)) + widen(sel_f(on2, j2_r * j2_cos, (vf)0.0f));
            const vd ty = hy + widen(sel_f(on1, j1_r * j1_sin, (vf)0.0f)) + widen(sel_f(on2, j2_r * j2_sin, (vf)0.0f));
            const vf pt_h = narrow(sqrt_d(hx * hx + hy * hy));
            const vf pt_tot = narrow(sqrt_d(tx * tx + ty * ty));
            const vf mjj = narrow(sqrt_d(clamped_at_zero(widen(j1_r) * widen(j2_r) * widen(LOAD(FUQ_JET_PAIR_FACTOR)))));
            const vf s = LOAD(FUQ_CENTRALITY_SIGN);
            const vf a = (met_sin * lep_cos - met_cos * lep_sin) * s;
            const vf bb = (had_sin * met_cos - had_cos * met_sin) * s;
            const vf d = sqrt_f(a * a + bb * bb);
            rare_mask = rare_mask | (d == 0.0f);

            int pattern = cuts ? mask_bits(keep) : 0xFF;
            if (count - i < N) pattern &= (1 << (count - i)) - 1;
            const int direct = pattern == 0xFF;
            float *const target = direct ? out + written : scratch;
            const long tstride = direct ? stride : N;
#define STORE(feature, value) store_f(target + (feature) * tstride, (value))
            STORE(0, lep_pt); STORE(1, LOAD(FUQ_LEP_ETA)); STORE(2, LOAD(FUQ_LEP_PHI));
            STORE(3, had_r); STORE(4, LOAD(FUQ_HAD_ETA)); STORE(5, LOAD(FUQ_HAD_PHI));
            STORE(6, j1_r); STORE(7, eta1); STORE(8, phi1);
            STORE(9, j2_r); STORE(10, eta2); STORE(11, phi2);
            STORE(12, nj); STORE(13, all_r); STORE(14, met_r); STORE(15, phi_r);
            STORE(16, mt);
            STORE(17, mvis);
            STORE(18, pt_h);
            STORE(19, sel_f(on2, LOAD(FUQ_DELTA_ETA_JET_JET), undefined));
            STORE(20, sel_f(on2, mjj, undefined));
            STORE(21, sel_f(on2, LOAD(FUQ_PROD_ETA_JET_JET), undefined));
            STORE(22, LOAD(FUQ_DELTA_R_HAD_LEP));
            STORE(23, pt_tot);
            STORE(24, had_r + lep_pt + all_r);
            STORE(25, lep_pt / had_r);
            STORE(26, (a + bb) / d);
            STORE(27, sel_f(on2, LOAD(FUQ_LEP_ETA_CENTRALITY), undefined));
#undef STORE
#undef LOAD

            // Source rows (the last vector of the batch may be partial: its lanes past the
            // count repeat the last row, and are not kept).
            int32_t src[N];
            if (i + N <= count) {
                memcpy(src, job->source_rows + i, sizeof src);
            } else {
                for (int q = 0; q < N; q++) src[q] = job->source_rows[i + q < count ? i + q : count - 1];
            }
            if (direct) {
                memcpy(rows + written, src, sizeof src);
            } else if (pattern != 0) {
                KERNEL_PACK(pattern, scratch, out + written, stride, src, rows + written);
            }

            int pending = mask_bits(rare_mask) & pattern;
            while (pending != 0) {
                const int lane = __builtin_ctz(pending);
                const long k = rare->count++;
                rare->positions[k] = (int32_t)(written + __builtin_popcount(pattern & ((1 << lane) - 1)));
                rare->met_x[k] = soft ? x[lane] : (double)mx[lane];
                rare->met_y[k] = soft ? y[lane] : (double)my[lane];
                pending &= pending - 1;
            }
            written += __builtin_popcount(pattern);
        }
    }
    return written;
}
