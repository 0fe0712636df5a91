import XCTest
import Foundation
import TestSupport
@testable import PseudoExperiments

/// Properties of the systematics transform beyond the reference files: nominal values, soft-MET
/// noise, cut edges, gathering, rounding.
final class SystematicsTransformTests: XCTestCase {
    static let sample: EventTable = try! EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table

    func testRoundingMatchesNumpyOnFloat32() {
        // numpy.round(np.float32 array, 3) on these values gives 35.348, 1.0, 2.001, 0.062, 27.754:
        // x * 1000 is computed in Float32 (1.0005f * 1000 = 1000.49994f) and ties go to even.
        let cases: [(Float, Float)] = [(35.3485, 35.348), (1.0005, 1.0), (2.0015, 2.001), (0.0625, 0.062),
                                       (27.7545, 27.754), (-25, -25), (32.117, 32.117), (-0.0004, -0.0)]
        for (x, expected) in cases { XCTAssertEqual(roundToThreeDecimals(x), expected, "\(x)") }
        // Values already at 3 decimals are fixed points (the sample's PRI values, e.g. 32.117).
        for f in Feature.primary {
            for v in Self.sample[f] { XCTAssertEqual(roundToThreeDecimals(v), v, "\(f.rawValue) \(v)") }
        }
    }

    func testNominalValuesLeavePrimariesUnchanged() throws {
        var rng = SeededGenerator(seed: 3)
        let out = PreparedEvents(Self.sample).applying(SystematicShift(applyCuts: false), noise: &rng)
        let table = out.table(weightsAndProcessesFrom: Self.sample)
        XCTAssertEqual(out.sourceRows.map(Int.init), Array(0..<1000))
        for f in Feature.primary { XCTAssertEqual(table[f], Self.sample[f], f.rawValue) }
        // And the recomputed DER features are the sample's own, within the reference tolerances.
        try DerivedFeatureTolerance.assertMatches(table, Self.sample, sourceRows: Array(0..<1000))
        // With the cuts on, nominal values drop exactly the rows the cuts select.
        let cut = PreparedEvents(Self.sample).applying(.nominal, noise: &rng)
        let expectedRows = (0..<1000).filter { Self.sample[.hadPt][$0] >= 26 && Self.sample[.lepPt][$0] >= 20 }
        XCTAssertEqual(cut.sourceRows.map(Int.init), expectedRows)
    }

    func testFastPathAgreesWithTheReferenceDefinitionOfDerivedFeatures() {
        // The hot path uses precomputed invariants and Float32 cosines (relative error 6e-8, i.e.
        // 1e-5 GeV on a 100 GeV momentum); recomputing the DER features from its own PRI output
        // with DerivedFeatures.compute(primaries:) agrees to 1e-5 relative (absolute below 1), every
        // feature (the masses too: the transform's formulas have no cancellation).
        var rng = SeededGenerator(seed: 5)
        let shift = SystematicShift(tes: 0.95, jes: 1.06, softMet: 3, applyCuts: true)
        let t = PreparedEvents(Self.sample).applying(shift, noise: &rng).table(weightsAndProcessesFrom: Self.sample)
        for r in 0..<t.count {
            let der = DerivedFeatures.compute(primaries: Feature.primary.map { t[$0][r] })
            for (k, f) in Feature.derived.enumerated() {
                let a = Double(t[f][r]), b = Double(der[k])
                XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)), "\(f.rawValue) row \(r)")
            }
        }
    }

    func testSoftMetNoiseIsReproducibleAndFollowsTheDocumentedOrder() {
        let prepared = PreparedEvents(Self.sample)
        let shift = SystematicShift(tes: 1.02, jes: 0.99, softMet: 2.5, applyCuts: true)
        var a = SeededGenerator(seed: 77), b = SeededGenerator(seed: 77), c = SeededGenerator(seed: 78)
        let x = prepared.applying(shift, noise: &a), y = prepared.applying(shift, noise: &b)
        let z = prepared.applying(shift, noise: &c)
        XCTAssertEqual(x.storage, y.storage)
        XCTAssertEqual(Array(x.sourceRows), Array(y.sourceRows))
        XCTAssertNotEqual(Array(x.column(.met)), Array(z.column(.met)))
        // Two ziggurat Gaussians per input row, in row order, cut or not: the generator has
        // advanced by exactly 2000 of them, so its next output equals a fresh generator's after 2000.
        var fresh = SeededGenerator(seed: 77)
        for _ in 0..<2000 { _ = fresh.nextZigguratGaussian() }
        XCTAssertEqual(a.next(), fresh.next())
        // Row k's MET vector moved by softMet * (g[2k], g[2k + 1]) of the same stream (tes = jes = 1,
        // no cuts), up to the 3-decimal rounding of PRI_met and PRI_met_phi.
        var stream = SeededGenerator(seed: 31)
        let noisy = prepared.applying(SystematicShift(softMet: 2.5, applyCuts: false), noise: &stream)
        var g = SeededGenerator(seed: 31)
        let met = noisy.column(.met), phi = noisy.column(.metPhi)
        for k in 0..<1000 {
            let gx = 2.5 * g.nextZigguratGaussian(), gy = 2.5 * g.nextZigguratGaussian()
            let m0 = Double(Self.sample[.met][k]), p0 = Double(Self.sample[.metPhi][k])
            let ex = Double(Float(m0 * cos(p0))) + gx, ey = Double(Float(m0 * sin(p0))) + gy
            let m1 = Double(met[met.startIndex + k]), p1 = Double(phi[phi.startIndex + k])
            XCTAssertEqual(m1 * cos(p1), ex, accuracy: 2e-3 * max(1, m1), "row \(k)")
            XCTAssertEqual(m1 * sin(p1), ey, accuracy: 2e-3 * max(1, m1), "row \(k)")
        }
        // Without soft MET the generator is not touched.
        var untouched = SeededGenerator(seed: 9), reference = SeededGenerator(seed: 9)
        _ = prepared.applying(SystematicShift(tes: 1.02), noise: &untouched)
        XCTAssertEqual(untouched.next(), reference.next())
    }

    func testSoftMetDrawsHaveTheStatedWidthPerCopyOfARow() throws {
        // Each of 1000 rows gathered 20 times (sorted, with repeats); tes = jes = 1, so the MET
        // vector changes only by the noise: each component of (m_out - m_in) ~ N(0, sigma), up to
        // the 1e-3 rounding. Mean within 5 standard errors of 0, standard deviation within 5.
        let sigma = 4.0
        let indices = (0..<1000).flatMap { Array(repeating: Int32($0), count: 20) }
        let batch = PreparedEvents(Self.sample).gather(indices)
        var rng = SeededGenerator(seed: 2024)
        let out = batch.applying(SystematicShift(softMet: sigma, applyCuts: false), noise: &rng)
        XCTAssertEqual(out.count, indices.count)
        var d: [Double] = []
        let met = out.column(.met), phi = out.column(.metPhi)
        for (k, src) in out.sourceRows.enumerated() {
            let i = Int(src)
            let m0 = Double(Self.sample[.met][i]), p0 = Double(Self.sample[.metPhi][i])
            let m1 = Double(met[met.startIndex + k]), p1 = Double(phi[phi.startIndex + k])
            d.append(m1 * cos(p1) - m0 * cos(p0))
            d.append(m1 * sin(p1) - m0 * sin(p0))
        }
        let n = Double(d.count)
        let mean = d.reduce(0, +) / n
        let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 5 * sigma / n.squareRoot())
        XCTAssertEqual(sd, sigma, accuracy: 5 * sigma / (2 * n).squareRoot())
        // Copies of one row get different draws.
        XCTAssertNotEqual(met[met.startIndex], met[met.startIndex + 1])
    }

    /// A one-row table at nominal values with the given PRI overrides.
    private func event(_ values: [Feature: Float]) -> EventTable {
        var row = Feature.primary.map { Self.sample[$0][1] }   // row 1: one jet, had_pt 26.947
        for (f, v) in values { row[f.index] = v }
        var t = EventTable()
        t.append(features: row + DerivedFeatures.compute(primaries: row), weight: 1, process: .ztautau)
        return t
    }

    func testCutEdges() {
        var rng = SeededGenerator(seed: 1)
        func run(_ t: EventTable) -> EventTable {
            PreparedEvents(t).applying(.nominal, noise: &rng).table(weightsAndProcessesFrom: t)
        }
        // had_pt exactly 26 is kept (the cut is had_pt < 26); 25.999 is dropped.
        XCTAssertEqual(run(event([.hadPt: 26])).count, 1)
        XCTAssertEqual(run(event([.hadPt: 25.999])).count, 0)
        // lepton pt < 20 is dropped, 20 kept.
        XCTAssertEqual(run(event([.lepPt: 19.999])).count, 0)
        XCTAssertEqual(run(event([.lepPt: 20])).count, 1)
        // A leading jet of pt exactly 26 is removed: -25 values, jet_all_pt loses it, n_jets 0.
        let removed = run(event([.jetLeadingPt: 26, .jetAllPt: 40]))
        XCTAssertEqual(removed.count, 1)
        XCTAssertEqual(removed[.jetLeadingPt][0], -25)
        XCTAssertEqual(removed[.jetLeadingEta][0], -25)
        XCTAssertEqual(removed[.jetLeadingPhi][0], -25)
        XCTAssertEqual(removed[.nJets][0], 0)
        XCTAssertEqual(removed[.jetAllPt][0], 14)
        // 26.001 is kept.
        let kept = run(event([.jetLeadingPt: 26.001]))
        XCTAssertEqual(kept[.jetLeadingPt][0], 26.001)
        XCTAssertEqual(kept[.nJets][0], 1)
        // Three jets, the two leading ones soft: both removed (subleading first), n_jets stays 1,
        // no promotion of the third jet; the DER features use the -25 leading jet as the reference does.
        let three = run(event([.jetLeadingPt: 25.5, .jetLeadingEta: 0.3, .jetLeadingPhi: 1.0,
                               .jetSubleadingPt: 24, .jetSubleadingEta: -1.2, .jetSubleadingPhi: -2.0,
                               .nJets: 3, .jetAllPt: 72.5]))
        XCTAssertEqual(three[.nJets][0], 1)
        XCTAssertEqual(three[.jetAllPt][0], 72.5 - 24 - 25.5)
        XCTAssertEqual(three[.jetSubleadingPt][0], -25)
        XCTAssertEqual(three[.jetLeadingPt][0], -25)
        let expected = DerivedFeatures.compute(primaries: Feature.primary.map { three[$0][0] })
        XCTAssertEqual(Array(Feature.derived.map { three[$0][0] }), expected)
        XCTAssertEqual(three[.massJetJet][0], -25)   // pair features undefined with n_jets = 1
    }

    func testGatherRepeatsRowsAndKeepsSourceRows() {
        let prepared = PreparedEvents(Self.sample)
        let indices: [Int32] = [0, 0, 5, 17, 17, 17, 999]
        let batch = prepared.gather(indices)
        XCTAssertEqual(batch.count, indices.count)
        XCTAssertEqual(batch.sourceRows, indices)
        var a = SeededGenerator(seed: 1), b = SeededGenerator(seed: 1)
        let shift = SystematicShift(tes: 1.03, jes: 0.97, applyCuts: false)
        let all = prepared.applying(shift, noise: &a)
        let some = batch.applying(shift, noise: &b)
        for f in Feature.allCases {
            let col = all.column(f), got = some.column(f)
            XCTAssertEqual(Array(got), indices.map { col[col.startIndex + Int($0)] }, f.rawValue)
        }
        // Gathering from a gathered batch maps back to the original table's rows.
        XCTAssertEqual(batch.gather([6, 1]).sourceRows, [999, 0])
        // Reusing a larger buffer.
        var reused = prepared.gather(Array(0..<100))
        prepared.gather([3, 4], into: &reused)
        XCTAssertEqual(reused.count, 2)
        XCTAssertEqual(reused.value(.lepPt, 1), Self.sample[.lepPt][4])
    }

    func testMetPhiCentralityDegenerateCase() {
        // lep and tau at the same phi: s = 0, so D = 0; the value is recomputed with phi_lep + 1e-4.
        var row = Feature.primary.map { Self.sample[$0][0] }
        row[Feature.lepPhi.index] = 1.0; row[Feature.hadPhi.index] = 1.0; row[Feature.metPhi.index] = 2.0
        let der = DerivedFeatures.compute(primaries: row)
        let lep = 1.0 + 1e-4, s = (sin(1.0 - lep) > 0 ? 1.0 : -1.0)
        let a = sin(2.0 - lep) * s, b = sin(1.0 - 2.0) * s
        XCTAssertEqual(der[10], Float((a + b) / (a * a + b * b).squareRoot()))
    }

    func testEmptyBatch() {
        var rng = SeededGenerator(seed: 1)
        let out = PreparedEvents(EventTable()).applying(SystematicShift(softMet: 1), noise: &rng)
        XCTAssertEqual(out.count, 0)
        XCTAssertEqual(out.column(.met).count, 0)
    }
}

extension SystematicsTransformTests {
    /// MET angles placed at rounding ties (`phi * 1000 = k + 0.5` up to 1e-7) take the exact path:
    /// `PRI_met_phi` equals the scalar reference arithmetic (Float32 MET vector, libm atan2 in
    /// Double, Float32 rounding; with soft MET, Double sum and Double rounding) for every row.
    func testMetPhiAtRoundingTiesMatchesExactArithmetic() {
        var table = EventTable()
        var row = Feature.primary.map { Self.sample[$0][0] }   // no jets
        var g = SeededGenerator(seed: 5)
        for k in 0..<2000 {
            let tie = (Double(g.nextInt(below: 6000) - 3000) + 0.5) / 1000 + g.nextDouble(in: -2e-7, 2e-7)
            row[Feature.metPhi.index] = Float(tie)
            row[Feature.met.index] = Float(5 + k % 90)
            table.append(features: row + DerivedFeatures.compute(primaries: row), weight: 1, process: .ztautau)
        }
        let prepared = PreparedEvents(table)
        for sigma in [0.0, 1.5] {
            var rng = SeededGenerator(seed: 17), noise = SeededGenerator(seed: 17)
            let out = prepared.applying(SystematicShift(softMet: sigma, applyCuts: false), noise: &rng)
            let phi = out.column(.metPhi)
            for r in 0..<table.count {
                let met = table[.met][r], phi0 = Double(table[.metPhi][r])
                // tes = jes = 1: the Float32 propagation adds exact zeros to the starting vector.
                let mx = met * Float(cos(phi0)), my = met * Float(sin(phi0))
                let expected: Float
                if sigma > 0 {
                    let x = Double(mx) + sigma * noise.nextZigguratGaussian()
                    let y = Double(my) + sigma * noise.nextZigguratGaussian()
                    expected = Float((atan2(y, x) * 1000).rounded(.toNearestOrEven) / 1000)
                } else {
                    expected = roundToThreeDecimals(Float(atan2(Double(my), Double(mx))))
                }
                XCTAssertEqual(phi[phi.startIndex + r], expected, "row \(r), sigma \(sigma)")
            }
        }
    }
}
