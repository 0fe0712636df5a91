import XCTest
@testable import PseudoExperiments

final class PoolSamplerTests: XCTestCase {
    typealias S = StatisticalChecks

    // A small pool in which rows are drawn many times per pseudo-experiment and each process has
    // rows of different weights, one of weight zero.
    let codes: [UInt8] = [1, 0, 1, 2, 3, 1, 0, 2, 1, 3, 2, 0, 1]
    let weights: [Float] = [0.8, 0.3, 2.5, 0.6, 1.1, 0, 1.7, 0.2, 0.05, 0.4, 1.3, 0.9, 3.2]
    let mu = 1.3
    let nuisances = NuisanceValues(tes: 1.02, jes: 0.99, softMet: 1, ttbarScale: 0.9, dibosonScale: 1.25, bkgScale: 1.1)
    let repeats = 20_000

    /// `c_k w_i` per row.
    var rowMeans: [Double] {
        weights.indices.map { i in
            nuisances.normalisation(of: PhysicsProcess(code: codes[i])!, mu: mu) * Double(weights[i])
        }
    }

    /// Multiplicity of each row in each of `repeats` pseudo-experiments.
    func multiplicities(_ draw: (inout SeededGenerator) throws -> [Int32]) rethrows -> [[Int]] {
        var rng = SeededGenerator(seed: 77)
        var out: [[Int]] = []
        for _ in 0..<repeats {
            var m = [Int](repeating: 0, count: weights.count)
            for r in try draw(&rng) { m[Int(r)] += 1 }
            out.append(m)
        }
        return out
    }

    /// The fast draws, computed once for the tests that share them.
    func fastDraws() throws -> [[Int]] {
        if let cached = Self.cachedFastDraws { return cached }
        let sampler = try PoolSampler(weights: weights, processCodes: codes)
        let m = try multiplicities { try sampler.draw(mu: mu, nuisances: nuisances, using: &$0) }
        Self.cachedFastDraws = m
        return m
    }
    nonisolated(unsafe) static var cachedFastDraws: [[Int]]?

    func testPerRowCountMeansAndVariancesEqualNormalisationTimesWeight() throws {
        let m = try fastDraws()
        for (i, lambda) in rowMeans.enumerated() {
            let x = m.map { Double($0[i]) }
            if lambda == 0 { XCTAssertTrue(x.allSatisfy { $0 == 0 }, "zero-weight row \(i) drawn"); continue }
            let n = Double(repeats)
            XCTAssertEqual(S.mean(x), lambda, accuracy: 5 * (lambda / n).squareRoot(), "mean of row \(i)")
            XCTAssertEqual(S.variance(x), lambda, accuracy: 5 * ((lambda + 2 * lambda * lambda) / n).squareRoot(),
                           "variance of row \(i)")
        }
    }

    func testPerRowCountsArePoissonDistributed() throws {
        let m = try fastDraws()
        for (i, lambda) in rowMeans.enumerated() where lambda > 0 {
            S.assertPoisson(m.map { $0[i] }, mean: lambda, "multiplicity of row \(i)")
        }
    }

    func testRowsAreUncorrelatedEvenWithinAProcess() throws {
        // Given a fixed total, multinomial counts would be anti-correlated (here about -0.3 for
        // rows 0 and 2); the Poisson total makes them independent.
        let m = try fastDraws()
        let bound = 5 / Double(repeats).squareRoot()
        for (a, b) in [(0, 2), (2, 12), (1, 6), (3, 10), (4, 9), (0, 1), (12, 4)] {
            let r = S.correlation(m.map { Double($0[a]) }, m.map { Double($0[b]) })
            XCTAssertEqual(r, 0, accuracy: bound, "rows \(a), \(b)")
        }
    }

    func testProcessTotalsArePoissonAndIndependent() throws {
        let sampler = try PoolSampler(weights: weights, processCodes: codes)
        let expected = try sampler.expectedEvents(mu: mu, nuisances: nuisances)
        var rng = SeededGenerator(seed: 78)
        var totals: [[Int]] = Array(repeating: [], count: 4)
        var rows: [Int32] = [], scratch: [Int32] = []
        for _ in 0..<repeats {
            let byProcess = try sampler.draw(mu: mu, nuisances: nuisances, using: &rng, into: &rows, scratch: &scratch)
            // The returned totals are the rows' processes counted.
            var counted = [Int](repeating: 0, count: 4)
            for r in rows { counted[Int(codes[Int(r)])] += 1 }
            for p in PhysicsProcess.allCases {
                XCTAssertEqual(counted[Int(p.code)], byProcess[p])
                totals[Int(p.code)].append(counted[Int(p.code)])
            }
        }
        for p in PhysicsProcess.allCases {
            let w = zip(weights, codes).filter { $0.1 == p.code }.reduce(0.0) { $0 + Double($1.0) }
            XCTAssertEqual(expected[p]!, nuisances.normalisation(of: p, mu: mu) * w, accuracy: 1e-12)
            S.assertPoisson(totals[Int(p.code)], mean: expected[p]!, "total of \(p)")
        }
        let bound = 5 / Double(repeats).squareRoot()
        for a in 0..<4 { for b in (a + 1)..<4 {
            XCTAssertEqual(S.correlation(totals[a].map(Double.init), totals[b].map(Double.init)), 0, accuracy: bound)
        } }
    }

    func testAgreesWithTheReferencePerRowPoissonDraw() throws {
        let fast = try fastDraws()
        let naive = try multiplicities {
            try PoolSampler.drawPerRow(weights: weights, processCodes: codes, mu: mu, nuisances: nuisances, using: &$0)
        }
        let n = Double(repeats)
        for (i, lambda) in rowMeans.enumerated() {
            let a = fast.map { Double($0[i]) }, b = naive.map { Double($0[i]) }
            XCTAssertEqual(S.mean(a), S.mean(b), accuracy: 5 * (2 * lambda / n).squareRoot() + 1e-12, "row \(i)")
            XCTAssertEqual(S.variance(a), S.variance(b),
                           accuracy: 5 * (2 * (lambda + 2 * lambda * lambda) / n).squareRoot() + 1e-12, "row \(i)")
        }
        // The distribution of the pseudo-experiment size: two-sample chi-square on a common binning.
        let sizesA = fast.map { $0.reduce(0, +) }, sizesB = naive.map { $0.reduce(0, +) }
        var stat = 0.0, dof = -1
        for k in 0...60 {
            let ca = Double(sizesA.filter { k == 60 ? $0 >= k : $0 == k }.count)
            let cb = Double(sizesB.filter { k == 60 ? $0 >= k : $0 == k }.count)
            if ca + cb >= 10 { stat += (ca - cb) * (ca - cb) / (ca + cb); dof += 1 }
        }
        XCTAssertLessThan(stat, S.chiSquareCritical(dof: dof))
    }

    func testResultIsSortedWithRepeatsAndUsesTheRadixPathForLargeDraws() throws {
        var rng = SeededGenerator(seed: 3)
        let n = 5000
        let w = (0..<n).map { _ in Float(rng.nextDouble(in: 0, 8)) }
        let c = (0..<n).map { i in UInt8(i % 4) }
        let sampler = try PoolSampler(weights: w, processCodes: c)
        let rows = try sampler.draw(mu: 1, nuisances: .nominal, using: &rng)
        XCTAssertGreaterThan(rows.count, 15_000)   // expected ~20,000
        XCTAssertEqual(rows, rows.sorted())
        XCTAssertTrue(rows.allSatisfy { $0 >= 0 && Int($0) < n })
        XCTAssertLessThan(Set(rows).count, rows.count, "rows of weight ~4 must repeat")
        XCTAssertEqual(sampler.poolRows, n)
        XCTAssertEqual(sampler.rowCounts[.ttbar], n / 4)
        XCTAssertGreaterThan(sampler.memoryBytes, 12 * n - 1)
    }

    func testManyBlocksGivePerRowPoissonMeansAndIndependentBlocks() throws {
        // 600 rows expecting ~4 events each: blocks of 256 rows, the last one partial.
        let n = 600
        var rng = SeededGenerator(seed: 31)
        let w = (0..<n).map { i in i % 10 == 7 ? Float(0) : Float(rng.nextDouble(in: 1, 7)) }
        let c = (0..<n).map { _ in UInt8(rng.nextInt(below: 4)) }
        let sampler = try PoolSampler(weights: w, processCodes: c)
        XCTAssertEqual(sampler.blockRows, 256)
        XCTAssertEqual(sampler.blockCount, 3)
        let draws = 600
        var flat = [Int](repeating: 0, count: n * draws)
        var rows: [Int32] = [], scratch: [Int32] = []
        for d in 0..<draws {
            try sampler.draw(mu: 1.2, nuisances: nuisances, using: &rng, into: &rows, scratch: &scratch)
            XCTAssertTrue(zip(rows, rows.dropFirst()).allSatisfy { $0 <= $1 })
            for r in rows { flat[Int(r) * draws + d] += 1 }
        }
        let counts = (0..<n).map { i in flat[(i * draws)..<((i + 1) * draws)].map(Double.init) }
        // Sum over rows of the squared standardised mean errors: chi-square with one dof per row.
        var chi2 = 0.0, dof = 0
        for i in 0..<n {
            let lambda = nuisances.normalisation(of: PhysicsProcess(code: c[i])!, mu: 1.2) * Double(w[i])
            if lambda == 0 { XCTAssertTrue(counts[i].allSatisfy { $0 == 0 }); continue }
            let z = (S.mean(counts[i]) - lambda) / (lambda / Double(draws)).squareRoot()
            chi2 += z * z; dof += 1
            XCTAssertEqual(S.variance(counts[i]), lambda, accuracy: 5 * ((lambda + 2 * lambda * lambda) / Double(draws)).squareRoot(),
                           "variance of row \(i)")
        }
        XCTAssertLessThan(chi2, S.chiSquareCritical(dof: dof))
        // Rows on either side of a block boundary, and in different blocks, are independent.
        for (a, b) in [(255, 256), (511, 512), (3, 590)] {
            XCTAssertEqual(S.correlation(counts[a], counts[b]), 0, accuracy: 5 / Double(draws).squareRoot(), "rows \(a), \(b)")
        }
    }

    func testBlockSizeRule() {
        // ~1024 expected events per block, as a power of two in 256...65,536.
        XCTAssertEqual(PoolSampler.blockRows(poolRows: 1_000_000, totalWeight: 1_051_385), 1024)
        XCTAssertEqual(PoolSampler.blockRows(poolRows: 50_000_000, totalWeight: 1_051_385), 65536)
        XCTAssertEqual(PoolSampler.blockRows(poolRows: 10_000_000, totalWeight: 1_051_385), 8192)
        XCTAssertEqual(PoolSampler.blockRows(poolRows: 13, totalWeight: 20), 512)
        XCTAssertEqual(PoolSampler.blockRows(poolRows: 13, totalWeight: 100), 256)
        XCTAssertEqual(PoolSampler.blockRows(poolRows: 2_000_000_000, totalWeight: 1), 65536)
    }

    func testMuZeroDrawsNoSignalAndAbsentOptionalProcessIsNeverDrawn() throws {
        let sampler = try PoolSampler(weights: weights, processCodes: codes)
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<200 {
            let rows = try sampler.draw(mu: 0, nuisances: nuisances, using: &rng)
            XCTAssertFalse(rows.contains { codes[Int($0)] == PhysicsProcess.htautau.code })
        }
        let noDiboson = zip(weights, codes).filter { $0.1 != 3 }
        let partial = try PoolSampler(weights: noDiboson.map(\.0), processCodes: noDiboson.map(\.1),
                                      requiring: [.htautau, .ztautau, .ttbar])
        XCTAssertEqual(try partial.expectedEvents(mu: 1, nuisances: .nominal)[.diboson], 0)
        XCTAssertEqual(partial.weightSums[.diboson], 0)
        XCTAssertEqual(partial.rowCounts[.diboson], 0)
    }

    func testSeededDrawIsReproducibleAndDiffersBetweenPseudoExperiments() throws {
        let sampler = try PoolSampler(weights: weights, processCodes: codes)
        let a = try sampler.draw(mu: mu, nuisances: nuisances, root: 2024, set: 3, pseudoExperiment: 7)
        XCTAssertEqual(a, try sampler.draw(mu: mu, nuisances: nuisances, root: 2024, set: 3, pseudoExperiment: 7))
        var rng = SeedDerivation.generator(2024, .poisson, 3, 7)
        XCTAssertEqual(a, try sampler.draw(mu: mu, nuisances: nuisances, using: &rng))
        let others = try (0..<5).map { try sampler.draw(mu: mu, nuisances: nuisances, root: 2024, set: 3, pseudoExperiment: $0) }
        XCTAssertGreaterThan(Set(others + [a]).count, 4)
    }

    func testStreamIsPinned() throws {
        // The reproducibility contract: this pool, seed and order of consumption give these rows.
        // A change here changes every published pseudo-experiment; bump the challenge version.
        let sampler = try PoolSampler(weights: weights, processCodes: codes)
        let rows = try sampler.draw(mu: mu, nuisances: nuisances, root: 1, set: 0, pseudoExperiment: 0)
        XCTAssertEqual(rows, Self.pinnedRows)
    }
    static let pinnedRows: [Int32] = [2, 2, 3, 3, 4, 4, 4, 6, 6, 6, 10, 10, 11, 12, 12, 12, 12, 12, 12]

    func testBadPoolsAndNormalisationsThrowClearErrors() throws {
        XCTAssertThrowsError(try PoolSampler(weights: [1, 2], processCodes: [0])) {
            XCTAssertEqual($0 as? SamplingError, .mismatchedColumns(weights: 2, processCodes: 1))
        }
        XCTAssertThrowsError(try PoolSampler(weights: [1, 1, 1, 1, 1], processCodes: [0, 1, 2, 3, 9])) {
            XCTAssertEqual($0 as? SamplingError, .unknownProcessCode(row: 4, code: 9))
            XCTAssertTrue("\($0)".contains("row 4"))
        }
        XCTAssertThrowsError(try PoolSampler(weights: [1, 1, -0.5, 1], processCodes: [0, 1, 2, 3])) {
            XCTAssertEqual($0 as? SamplingError, .invalidWeight(row: 2, value: -0.5))
        }
        XCTAssertThrowsError(try PoolSampler(weights: [1, .nan, 1, 1], processCodes: [0, 1, 2, 3])) { error in
            guard case SamplingError.invalidWeight(row: 1, _) = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try PoolSampler(weights: [1, 1, 1], processCodes: [0, 1, 3])) {
            XCTAssertEqual($0 as? SamplingError, .missingProcess(.ttbar, rows: 0))
            XCTAssertTrue("\($0)".contains("ttbar"))
        }
        XCTAssertThrowsError(try PoolSampler(weights: [1, 1, 0, 0, 1], processCodes: [0, 1, 2, 2, 3])) {
            XCTAssertEqual($0 as? SamplingError, .missingProcess(.ttbar, rows: 2))
        }
        let sampler = try PoolSampler(weights: weights, processCodes: codes)
        var rng = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try sampler.draw(mu: -0.1, nuisances: .nominal, using: &rng)) { error in
            guard case SamplingError.invalidNormalisation(.htautau, factor: -0.1, _) = error else { return XCTFail("\(error)") }
        }
        for bad in [Double.nan, .infinity, -1] {
            XCTAssertThrowsError(try sampler.draw(mu: 1, nuisances: NuisanceValues(bkgScale: bad), using: &rng)) { error in
                guard case SamplingError.invalidNormalisation(.ztautau, _, _) = error else { return XCTFail("\(error)") }
            }
        }
        XCTAssertThrowsError(try sampler.draw(mu: 1e12, nuisances: .nominal, using: &rng)) {
            guard case SamplingError.drawTooLarge = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue("\($0)".contains("signal strength"))
        }
        XCTAssertThrowsError(try PoolSampler.drawPerRow(weights: [1], processCodes: [7], mu: 1, nuisances: .nominal, using: &rng)) {
            XCTAssertEqual($0 as? SamplingError, .unknownProcessCode(row: 0, code: 7))
        }
    }
}
