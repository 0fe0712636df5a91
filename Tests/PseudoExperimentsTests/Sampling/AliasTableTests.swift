import XCTest
@testable import PseudoExperiments

final class AliasTableTests: XCTestCase {
    typealias S = StatisticalChecks

    /// Weights over six decades, with zeros, like a pool's.
    private func wideWeights(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { i in i % 17 == 3 ? 0 : Float(exp(rng.nextDouble(in: -7, 7))) }
    }

    func testImpliedProbabilitiesEqualNormalisedWeights() throws {
        for n in [1, 2, 7, 1000] {
            let w = wideWeights(n, seed: UInt64(n)).map { max($0, 1e-3) }
            let table = try AliasTable(weights: w)
            let total = w.reduce(0.0) { $0 + Double($1) }
            XCTAssertEqual(table.totalWeight, total, accuracy: 1e-12 * total)
            let p = table.impliedProbabilities()
            for i in 0..<n {
                // Each slot moves at most 2^-33 / n between its two outcomes.
                XCTAssertEqual(p[Int32(i)] ?? 0, Double(w[i]) / total, accuracy: 4 * 0x1.0p-33, "n \(n), outcome \(i)")
            }
            XCTAssertEqual(p.values.reduce(0, +), 1, accuracy: 1e-12)
        }
    }

    func testDoubleWeightsGiveTheSameTableAsTheirFloatValues() throws {
        let w = wideWeights(300, seed: 4)
        let a = try AliasTable(weights: w), b = try AliasTable(weights: w.map(Double.init))
        XCTAssertEqual(a.entries, b.entries)
    }

    func testFrequenciesMatchWeightsByChiSquare() throws {
        let w: [Float] = (1...40).map { Float($0 % 7 + 1) * ($0 % 3 == 0 ? 0.1 : 1) }
        let table = try AliasTable(weights: w)
        let total = w.reduce(0.0) { $0 + Double($1) }
        var rng = SeededGenerator(seed: 11)
        let n = 200_000
        var counts = [Int](repeating: 0, count: w.count)
        for _ in 0..<n { counts[Int(table.sample(using: &rng))] += 1 }
        let probs = w.map { Double($0) / total }
        let (stat, dof) = S.chiSquare(observed: counts, probabilities: probs, samples: n)
        XCTAssertLessThan(stat, S.chiSquareCritical(dof: dof))
        // Power: the same counts are rejected against weights with one entry changed by 20%.
        var wrong = probs
        wrong[0] *= 1.2; wrong[1] -= probs[0] * 0.2
        let (statWrong, _) = S.chiSquare(observed: counts, probabilities: wrong, samples: n)
        XCTAssertGreaterThan(statWrong, S.chiSquareCritical(dof: dof))
    }

    func testZeroWeightsAreNeverDrawn() throws {
        let w = wideWeights(500, seed: 21)
        let zeros = Set(w.indices.filter { w[$0] == 0 }.map(Int32.init))
        XCTAssertFalse(zeros.isEmpty)
        let table = try AliasTable(weights: w)
        let p = table.impliedProbabilities()
        for z in zeros { XCTAssertEqual(p[z] ?? 0, 0, "zero-weight outcome \(z)") }
        var rng = SeededGenerator(seed: 22)
        var out = [Int32](repeating: -1, count: 100_000)
        out.withUnsafeMutableBufferPointer { table.sample($0.count, into: $0, using: &rng) }
        XCTAssertTrue(out.allSatisfy { !zeros.contains($0) && $0 >= 0 && $0 < 500 })
        // Mostly-zero weights: only the one positive outcome can come out.
        var sparse = [Float](repeating: 0, count: 1000); sparse[613] = 0.25
        let one = try AliasTable(weights: sparse)
        for _ in 0..<10_000 { XCTAssertEqual(one.sample(using: &rng), 613) }
    }

    func testSingleRowAndAllEqualWeights() throws {
        var rng = SeededGenerator(seed: 1)
        let single = try AliasTable(weights: [Float(3.5)], outcomes: [42])
        for _ in 0..<100 { XCTAssertEqual(single.sample(using: &rng), 42) }

        let n = 64
        let equal = try AliasTable(weights: [Float](repeating: 0.02, count: n))
        // Every slot is full: equal weights need no aliases, and the draw is exactly uniform.
        XCTAssertTrue(equal.entries.allSatisfy { $0.threshold == .max && $0.alias == $0.primary })
        for (_, v) in equal.impliedProbabilities() { XCTAssertEqual(v, 1 / Double(n), accuracy: 1e-15) }
        var counts = [Int](repeating: 0, count: n)
        for _ in 0..<64_000 { counts[Int(equal.sample(using: &rng))] += 1 }
        let (stat, dof) = S.chiSquare(observed: counts, probabilities: [Double](repeating: 1 / Double(n), count: n), samples: 64_000)
        XCTAssertLessThan(stat, S.chiSquareCritical(dof: dof))
    }

    func testOutcomeLabelsReplaceIndices() throws {
        let table = try AliasTable(weights: [Float(1), 0, 3], outcomes: [100, 200, 300])
        let p = table.impliedProbabilities()
        XCTAssertEqual(p[100] ?? 0, 0.25, accuracy: 1e-9)
        XCTAssertEqual(p[200] ?? 0, 0)
        XCTAssertEqual(p[300] ?? 0, 0.75, accuracy: 1e-9)
        var rng = SeededGenerator(seed: 2)
        for _ in 0..<1000 { XCTAssertTrue([100, 300].contains(table.sample(using: &rng))) }
    }

    /// A full slot (q = 1) takes its primary for every coin, the largest (2^32 - 1) included:
    /// its alias must be the primary outcome, never the slot index it held while building. The
    /// bug this pins down gave a pool row outside the block once in ~2^32 draws (a crash of
    /// the sampler's sort after ~10^9 draws of a 1000-pseudo-experiment run).
    func testFullSlotsNeverGiveASlotIndexForTheLargestCoin() throws {
        let tables = [
            try AliasTable(weights: [Float(1), 1, 1, 1], outcomes: [100, 200, 300, 400]),
            try AliasTable(weights: [Float(2), 1, 1, 0], outcomes: [100, 200, 300, 400]),
            try AliasTable(weights: wideWeights(5000, seed: 9), outcomes: (0..<5000).map { Int32(1_000_000 + $0) }),
        ]
        for table in tables {
            var full = 0
            for e in table.entries where e.threshold == .max {
                XCTAssertEqual(e.alias, e.primary, "a full slot's alias is its primary outcome")
                full += 1
            }
            XCTAssertGreaterThan(full, 0)
            let labels = Set(table.entries.flatMap { [$0.primary, $0.alias] })
            XCTAssertTrue(labels.allSatisfy { $0 >= 100 }, "only given outcomes appear: \(labels.sorted().prefix(5))")
            // The largest coin, through the batch sampler's lookup.
            for (j, e) in table.entries.enumerated() {
                let outcome = UInt32.max < e.threshold ? e.primary : e.alias
                XCTAssertTrue(labels.contains(outcome), "slot \(j)")
            }
        }
    }

    func testSameWeightsSameTableSameDraws() throws {
        let w = wideWeights(200, seed: 8)
        let a = try AliasTable(weights: w), b = try AliasTable(weights: w)
        XCTAssertEqual(a.entries, b.entries)
        var r1 = SeededGenerator(seed: 6), r2 = SeededGenerator(seed: 6)
        XCTAssertEqual((0..<500).map { _ in a.sample(using: &r1) }, (0..<500).map { _ in b.sample(using: &r2) })
    }

    func testBatchSamplingConsumesTheSameStreamAsSingleSamples() throws {
        let table = try AliasTable(weights: wideWeights(5000, seed: 13))
        var a = SeededGenerator(seed: 14), b = SeededGenerator(seed: 14)
        let singles = (0..<3000).map { _ in table.sample(using: &a) }
        var batch = [Int32](repeating: -1, count: 3000)
        batch.withUnsafeMutableBufferPointer { table.sample(3000, into: $0, using: &b) }
        XCTAssertEqual(batch, singles)
        XCTAssertEqual(a.next(), b.next())
    }

    func testBadWeightsThrowErrorsNamingTheRow() {
        XCTAssertThrowsError(try AliasTable(weights: [Float]())) { XCTAssertEqual($0 as? SamplingError, .emptyWeights) }
        XCTAssertThrowsError(try AliasTable(weights: [Float(1), 2, -1])) {
            XCTAssertEqual($0 as? SamplingError, .invalidWeight(row: 2, value: -1))
            XCTAssertTrue("\($0)".contains("row 2"))
        }
        for bad in [Float.nan, .infinity, -.infinity] {
            XCTAssertThrowsError(try AliasTable(weights: [1, bad, 1])) { error in
                guard case SamplingError.invalidWeight(row: 1, _) = error else { return XCTFail("\(error)") }
            }
        }
        XCTAssertThrowsError(try AliasTable(weights: [Double](repeating: 0, count: 3))) {
            XCTAssertEqual($0 as? SamplingError, .zeroWeightSum(rows: 3))
            XCTAssertTrue("\($0)".contains("positive weight"))
        }
        // Finite Double weights whose sum overflows.
        XCTAssertThrowsError(try AliasTable(weights: [Double.greatestFiniteMagnitude, .greatestFiniteMagnitude]))
    }
}
