import Foundation

/// The effects of a challenge variant's ``EvaluationShift`` applied to a simulated pool, row by
/// row, in place: the shifted pool has the nominal pool's rows in the same order.
///
/// The random numbers: row `r` (0-based, in pool order) of a pool simulated from seed `s` draws
/// the standard normals of effect `e` from
/// ```
/// SeedDerivation.generator(s, .domainShift, e.code, r)
/// ```
/// alone (the tau effect one normal, the jet effect two: leading then subleading jet), so a row's
/// shift depends on nothing but the pool's seed, the effect and the row, never on blocks, threads
/// or the other effects. Effects are applied in the spec's order. After the primary values change,
/// they are rounded to 3 decimals (as every pool's are) and the 12 derived features are recomputed
/// from them (``DerivedFeatures``), so the row is an event as the simulator would have written it.
/// The momentum a rescaled object gains is taken out of the MET vector, as the energy-scale
/// nuisances do: `MET' = MET - (f - 1) * pT(object)` (vectors in the transverse plane).
///
/// Rows in the pool are events that passed the simulator's selection; a shifted row may fail the
/// analysis cuts that every pseudo-experiment's transform applies, exactly as a real resolution
/// effect moves events across a threshold.
public enum DomainShift {
    /// The smallest factor a resolution effect multiplies a momentum by (a Gaussian tail below
    /// would make negative momenta).
    public static let minimumFactor = 0.5

    /// Applies the feature effects (tau and jet resolution) of `effects` to `table`, whose first
    /// row is row `firstRow` of a pool simulated from `seed`. Weights are left alone.
    public static func applyFeatureEffects(_ effects: [EvaluationShift.Effect], to table: inout EventTable,
                                           firstRow: Int, seed: UInt64) {
        let features = effects.filter { $0.kind != .zPtMismodelling }
        guard !features.isEmpty else { return }
        var primaries = [Float](repeating: 0, count: Feature.primary.count)
        var derived = [Float](repeating: 0, count: Feature.allCases.count - Feature.primary.count)
        for row in 0..<table.count {
            for f in Feature.primary { primaries[f.index] = table.columns[f.index][row] }
            for effect in features {
                var rng = SeedDerivation.generator(seed, .domainShift, effect.kind.code, firstRow + row)
                switch effect.kind {
                case .tauEnergyResolution:
                    rescale(&primaries, pt: .hadPt, phi: .hadPhi, by: factor(effect.size, &rng))
                case .jetEnergyResolution:
                    let leading = factor(effect.size, &rng), subleading = factor(effect.size, &rng)
                    let jets = primaries[Feature.nJets.index]
                    if jets >= 1, primaries[Feature.jetLeadingPt.index] != Feature.undefined {
                        let gained = rescale(&primaries, pt: .jetLeadingPt, phi: .jetLeadingPhi, by: leading)
                        primaries[Feature.jetAllPt.index] += Float(gained)
                    }
                    if jets >= 2, primaries[Feature.jetSubleadingPt.index] != Feature.undefined {
                        let gained = rescale(&primaries, pt: .jetSubleadingPt, phi: .jetSubleadingPhi, by: subleading)
                        primaries[Feature.jetAllPt.index] += Float(gained)
                    }
                case .zPtMismodelling:
                    break
                }
            }
            for f in Feature.primary { primaries[f.index] = roundToThreeDecimals(primaries[f.index]) }
            primaries.withUnsafeBufferPointer { p in
                derived.withUnsafeMutableBufferPointer { d in
                    DerivedFeatures.compute(primaries: p.baseAddress!, stride: 1, into: d.baseAddress!, outStride: 1)
                }
            }
            for f in Feature.primary { table.columns[f.index][row] = primaries[f.index] }
            for (k, value) in derived.enumerated() { table.columns[Feature.primary.count + k][row] = value }
        }
    }

    /// The Z pT reweighting factor of a row, before the normalisation that keeps the Z yield
    /// (1 for other processes or when the shift has no such effect).
    public static func zPtFactor(_ effects: [EvaluationShift.Effect], table: EventTable, row: Int) -> Double {
        guard let effect = effects.first(where: { $0.kind == .zPtMismodelling }),
              table.process(at: row) == .ztautau else { return 1 }
        return exp(effect.size * Double(table.columns[Feature.ptH.index][row]) / 100)
    }

    /// `1 + size * g`, at least ``minimumFactor``.
    static func factor(_ size: Double, _ rng: inout SeededGenerator) -> Double {
        max(minimumFactor, 1 + size * rng.nextZigguratGaussian())
    }

    /// Multiplies the object's pt by `f` and takes the gained momentum out of the MET vector;
    /// returns the pt gained, `(f - 1) * pt`.
    @discardableResult
    static func rescale(_ p: inout [Float], pt: Feature, phi: Feature, by f: Double) -> Double {
        let old = Double(p[pt.index]), angle = Double(p[phi.index])
        let gained = (f - 1) * old
        let met = Double(p[Feature.met.index]), metPhi = Double(p[Feature.metPhi.index])
        let x = met * cos(metPhi) - gained * cos(angle), y = met * sin(metPhi) - gained * sin(angle)
        p[pt.index] = Float(old * f)
        p[Feature.met.index] = Float((x * x + y * y).squareRoot())
        p[Feature.metPhi.index] = Float(atan2(y, x))
        return gained
    }
}
