import Foundation

/// The systematics transform of the FAIR Universe challenge, on prepared events.
///
/// For each row, in order (FEATURES.md, "The transform"), with `u = (cos phi, sin phi)` of an
/// object and `f(s) = (1 - s) / s`:
/// ```
/// had' = had_pt * tes;  j1' = j1_pt * jes if n_jets >= 1;  j2' = j2_pt * jes if n_jets >= 2
/// all' = jet_all_pt * jes
/// m    = met u_met + had' u_had f(tes) + j1' u_j1 f(jes) + j2' u_j2 f(jes)      (= old - new)
/// m   += soft_met (g1, g2)                                     if soft_met > 0
/// PRI_met = round3(|m|), PRI_met_phi = round3(atan2(m_y, m_x)), each changed pt round3(...)
/// ```
/// then the post-selection cuts (if on): rows with `PRI_had_pt < 26` (or `PRI_lep_pt < 20`) are
/// dropped; the subleading, then the leading jet with pt in [0, 26] is removed (pt, eta, phi :=
/// -25, `PRI_jet_all_pt -= pt`, `n_jets -= 1`); and last the 12 DER features are recomputed from
/// the rounded, cut PRI values (``DerivedFeatures``, in Double).
///
/// Arithmetic of the PRI values follows the reference so that their rounding agrees with it:
/// products, `f(s)` and the MET vector sums are Float32 (with Float32 cosines and sines), `|m|` is
/// a Float32 square root; with soft MET the Float64 noise makes the sum, `|m|`, `atan2` and the
/// rounding of `PRI_met`/`PRI_met_phi` Float64, as in the reference. `round3` is
/// ``roundToThreeDecimals(_:)``. `atan2` is a Float polynomial (`atan2_parts` in
/// `Sources/CTransform/transform_math.h`, error below 4e-7); where that error could move `PRI_met_phi` across a rounding tie (`phi * 1000` within
/// 1e-3 of `k + 0.5`, about 0.2 % of rows) the row takes the exact path: libm's `atan2` in Double.
/// The cosine and sine of the rounded angle for the DER features come from `m / |m|` turned by
/// the rounding residual `eps = phiR - phi` (`atan2_residual`, accurate to 5e-8), not from
/// trigonometric calls.
///
/// The kernel (``TransformKernel``, C) runs on blocks of 64 rows with SIMD vectors of
/// ``PreparedEvents/lanes`` rows: noise for the block first (scalar, in row order), then the
/// arithmetic lane-parallel, then (cuts on) the surviving rows are packed into the output. Every
/// step is an IEEE-754 operation in the order written here, never contracted into a fused
/// multiply-add, so the AVX-512, AVX2 and baseline variants give the same bits. The DER features
/// use the massless identities of ``DerivedFeatures`` (no cancellation); the masses and the
/// transverse vector sums of `DER_pt_h`, `DER_pt_tot` are computed in Float64 (in Float32 a mass
/// close to the event's summed energy can reach the reference tolerance), the angular factors in
/// Float32. Rows whose DER
/// features need the angles themselves (a removed jet that `n_jets` still counts, or the
/// degenerate MET phi centrality) are recomputed by
/// ``DerivedFeatures/compute(primaries:stride:into:outStride:)``.
///
/// Soft-MET noise (part of the reproducibility contract): when `softMet > 0`, every row, in row
/// order and whether or not it survives the cuts, takes two consecutive
/// `rng.nextZigguratGaussian()` values `g1` then `g2` and adds `(softMet * g1, softMet * g2)` to its
/// MET vector; when `softMet == 0` the generator is not used. A row gathered twice therefore gets
/// two independent draws.
extension PreparedEvents {
    /// The transformed features of the rows that survive, as a new buffer.
    public func applying(_ shift: SystematicShift, noise rng: inout SeededGenerator) -> TransformedEvents {
        var out = TransformedEvents()
        apply(shift, noise: &rng, into: &out)
        return out
    }

    /// The transformed features of the rows that survive, written into `out` (reusing its memory).
    public func apply(_ shift: SystematicShift, noise rng: inout SeededGenerator, into out: inout TransformedEvents) {
        apply(shift, noise: &rng, into: &out, prefetching: nil)
    }

    /// ``apply(_:noise:into:)``, prefetching `prefetch`'s lines into L2 meanwhile.
    func apply(_ shift: SystematicShift, noise rng: inout SeededGenerator, into out: inout TransformedEvents,
               prefetching prefetch: PrefetchList?, variant: TransformKernel.Variant = .automatic) {
        precondition(shift.problem == nil, "invalid systematic shift: \(shift.problem ?? "")")
        out.reset(rows: count)
        guard count > 0 else { return }
        var outStorage = out.storage, outRows = out.rows
        out.storage = []; out.rows = []   // keep the buffers uniquely referenced while writing
        var written = 0
        outStorage.withUnsafeMutableBufferPointer { ob in
            outRows.withUnsafeMutableBufferPointer { rb in
                written = apply(shift, noise: &rng, output: ob.baseAddress!, outputStride: out.capacity, rows: rb.baseAddress!,
                                prefetching: prefetch, variant: variant)
            }
        }
        out.storage = outStorage
        out.rows = outRows
        out.count = written
    }

    /// The transform into caller-owned memory: feature `f` of the `k`-th surviving row goes to
    /// `output[f.index * outputStride + k]`, its row in this batch to `rows[k]`; returns the
    /// number of surviving rows.
    ///
    /// The kernel stores whole vectors: each column must have room for
    /// `PreparedEvents.paddedStride(count)` values from `output` (values past the returned count
    /// are overwritten with scratch), and `rows` as many entries.
    func apply(_ shift: SystematicShift, noise rng: inout SeededGenerator, output: UnsafeMutablePointer<Float>,
               outputStride: Int, rows: UnsafeMutablePointer<Int32>, prefetching prefetch: PrefetchList? = nil,
               variant: TransformKernel.Variant = .automatic) -> Int {
        precondition(shift.problem == nil, "invalid systematic shift: \(shift.problem ?? "")")
        guard count > 0 else { return 0 }
        return storage.withUnsafeBufferPointer { sb in
            sourceRows.withUnsafeBufferPointer { srcRows in
                let kernel = TransformKernel(input: sb.baseAddress!, count: count, sourceRows: srcRows.baseAddress!,
                                             output: output, outputStride: outputStride, rows: rows, shift: shift,
                                             prefetch: prefetch, variant: variant)
                return kernel.run(rng: &rng)
            }
        }
    }
}
