import Foundation

/// Distinct, plausible-looking events for benchmarks, generated from a seed.
///
/// A stand-in until the built-in simulator lands: TO BE REPLACED BY THE SIMULATOR POOL in
/// `bench benchmark`. The kinematics only need to exercise the transform's branches in realistic
/// proportions (0 to 4 jets, jets near the 26 GeV cut, taus near the 26 GeV cut, MET of tens of
/// GeV); they are not a physics model. Values are rounded to 3 decimals like the FAIR files.
public enum PlaceholderEventPool {
    /// `count` events drawn from `SeededGenerator(seed:)`; DER columns computed from the PRI ones.
    public static func make(count: Int, seed: UInt64) -> EventTable {
        var rng = SeededGenerator(seed: seed)
        var columns = [[Float]](repeating: [Float](repeating: 0, count: count), count: Feature.allCases.count)
        var processCodes = [UInt8](repeating: 0, count: count)
        var weights = [Float](repeating: 0, count: count)
        func r3(_ x: Double) -> Float { roundToThreeDecimals(Float(x)) }
        func exponential(_ mean: Double) -> Double { -mean * log(rng.nextOpenUnitDouble()) }
        func eta(_ width: Double, _ limit: Double) -> Double { max(-limit, min(limit, width * rng.nextGaussian())) }
        func phi() -> Double { rng.nextDouble(in: -Double.pi, Double.pi) }
        var row = [Float](repeating: 0, count: 16)
        var derived = [Float](repeating: 0, count: 12)
        for i in 0..<count {
            func set(_ f: Feature, _ v: Float) { row[f.index] = v }
            set(.lepPt, r3(20 + exponential(14))); set(.lepEta, r3(eta(1.1, 2.5))); set(.lepPhi, r3(phi()))
            set(.hadPt, r3(23 + exponential(16))); set(.hadEta, r3(eta(1.1, 2.5))); set(.hadPhi, r3(phi()))
            // Jets: 0..4 with falling probabilities, pt from 22.5 GeV up, ordered.
            let u = rng.nextUnitDouble()
            let nJets = u < 0.45 ? 0 : (u < 0.75 ? 1 : (u < 0.92 ? 2 : (u < 0.98 ? 3 : 4)))
            var pts = (0..<nJets).map { _ in 22.5 + exponential(25) }.sorted(by: >)
            pts = pts.map { Double(r3($0)) }
            let undefined = Double(Feature.undefined)
            set(.jetLeadingPt, r3(nJets >= 1 ? pts[0] : undefined))
            set(.jetLeadingEta, r3(nJets >= 1 ? eta(2, 4.5) : undefined))
            set(.jetLeadingPhi, r3(nJets >= 1 ? phi() : undefined))
            set(.jetSubleadingPt, r3(nJets >= 2 ? pts[1] : undefined))
            set(.jetSubleadingEta, r3(nJets >= 2 ? eta(2, 4.5) : undefined))
            set(.jetSubleadingPhi, r3(nJets >= 2 ? phi() : undefined))
            set(.nJets, Float(nJets))
            set(.jetAllPt, r3(pts.reduce(0, +)))
            set(.met, r3(exponential(25))); set(.metPhi, r3(phi()))
            row.withUnsafeBufferPointer { p in
                derived.withUnsafeMutableBufferPointer { d in
                    DerivedFeatures.compute(primaries: p.baseAddress!, stride: 1, into: d.baseAddress!, outStride: 1)
                }
            }
            for f in 0..<16 { columns[f][i] = row[f] }
            for k in 0..<12 { columns[16 + k][i] = derived[k] }
            processCodes[i] = UInt8(i % PhysicsProcess.allCases.count)
            weights[i] = 1
        }
        return EventTable(columns: columns, weights: weights, processCodes: processCodes)
    }
}
