import XCTest
@testable import PseudoExperiments

final class PseudoExperimentGeneratorTests: XCTestCase {
    func values(_ pe: GeneratedPseudoExperiment) -> [UInt32] { pe.view.columnMajorValues().map(\.bitPattern) }

    /// Any pseudo-experiment regenerated alone, in another order, with another generator value
    /// or workspace, is bit-identical; different indices or seeds give different ones.
    func testRegenerationIsIdenticalInAnyOrder() throws {
        let g = SetsFixtures.generator()
        var forward: [[UInt32]] = []
        var workspace = GenerationWorkspace()
        for s in 0..<2 { for p in 0..<3 { forward.append(values(try g.generate(set: s, pseudoExperiment: p, workspace: &workspace))) } }
        var backward: [[UInt32]] = []
        for s in (0..<2).reversed() { for p in (0..<3).reversed() { backward.insert(values(try g.generate(set: s, pseudoExperiment: p)), at: 0) } }
        XCTAssertEqual(forward, backward)
        let alone = try SetsFixtures.generator().generate(set: 1, pseudoExperiment: 2)
        XCTAssertEqual(values(alone), forward[5])
        XCTAssertEqual(Set(forward).count, forward.count, "every pseudo-experiment differs")
        let otherSeed = try SetsFixtures.generator(seed: 7).generate(set: 1, pseudoExperiment: 2)
        XCTAssertNotEqual(values(otherSeed), forward[5])
        // Concurrent generation gives the same bytes.
        let box = ConcurrentResults(count: 6)
        DispatchQueue.concurrentPerform(iterations: 6) { k in
            box.set(k, (try? g.generate(set: k / 3, pseudoExperiment: k % 3)).map(values) ?? [])
        }
        XCTAssertEqual(box.values, forward)
    }

    /// The truth follows the documented rule: one mu per set, nuisances per pseudo-experiment,
    /// each from its own derived generator.
    func testTruthFollowsTheSeedRule() throws {
        let spec = SetsFixtures.mini, seed: UInt64 = 99
        for s in 0..<3 {
            var rng = SeedDerivation.generator(seed, .setTruth, s)
            let mu = spec.drawMu(using: &rng)
            for p in 0..<4 {
                var n = SeedDerivation.generator(seed, .nuisances, s, p)
                let truth = PseudoExperimentGenerator.truth(spec: spec, seed: seed, set: s, pseudoExperiment: p)
                XCTAssertEqual(truth, GroundTruth(mu: mu, nuisances: spec.drawNuisances(using: &n)))
            }
        }
        let a = PseudoExperimentGenerator.truth(spec: spec, seed: seed, set: 0, pseudoExperiment: 0)
        let b = PseudoExperimentGenerator.truth(spec: spec, seed: seed, set: 0, pseudoExperiment: 1)
        XCTAssertEqual(a.mu, b.mu)
        XCTAssertNotEqual(a.nuisances, b.nuisances)
    }

    /// Draws follow the priors: mu uniform on its range, each nuisance its prior clipped (the
    /// clip edges carry the tails' mass; mean and spread of the unclipped ones).
    func testDrawsFollowThePriorsWithClipping() throws {
        // A spec with wide priors, so that clipping happens often enough to count.
        var spec = SetsFixtures.mini
        spec.nuisances[0].prior = .normal(mean: 1, sigma: 0.1)          // tes, clip [0.9, 1.1]: 31.7% clipped
        spec.nuisances[2].prior = .lognormal(logMean: 0, logSigma: 1)   // soft_met, clip [0, 5]: 5.4% at 5
        let n = 20_000
        var tes: [Double] = [], soft: [Double] = [], mus: [Double] = []
        for p in 0..<n {
            let t = PseudoExperimentGenerator.truth(spec: spec, seed: 3, set: p % 50, pseudoExperiment: p)
            tes.append(t.nuisances.tes); soft.append(t.nuisances.softMet)
            if p < 50 { mus.append(t.mu) }
        }
        func fraction(_ x: [Double], _ f: (Double) -> Bool) -> Double { Double(x.filter(f).count) / Double(x.count) }
        // P(|z| > 1) = 0.3173 split evenly; standard error ~0.0033 per side.
        XCTAssertEqual(fraction(tes) { $0 == 0.9 }, 0.1587, accuracy: 0.015)
        XCTAssertEqual(fraction(tes) { $0 == 1.1 }, 0.1587, accuracy: 0.015)
        XCTAssert(tes.allSatisfy { (0.9...1.1).contains($0) })
        // P(lognormal > 5) = P(z > ln 5) = 0.0538.
        XCTAssertEqual(fraction(soft) { $0 == 5 }, 0.0538, accuracy: 0.008)
        XCTAssert(soft.allSatisfy { (0...5).contains($0) })
        // Median of the soft MET width is exp(0) = 1.
        XCTAssertEqual(fraction(soft) { $0 < 1 }, 0.5, accuracy: 0.02)
        XCTAssert(mus.allSatisfy { (0.1..<3).contains($0) })
        XCTAssertEqual(Set(mus).count, 50)
    }

    /// The view holds features only, shuffled: its rows are not sorted by process or pool row,
    /// and rows drawn twice are separate rows with their own soft-MET noise.
    func testViewIsShuffledAndCopiesHaveTheirOwnNoise() throws {
        let g = SetsFixtures.generator()
        let pe = try g.generate(set: 0, pseudoExperiment: 0)
        let view = pe.view
        XCTAssertEqual(view.columnMajorValues().count, Feature.allCases.count * view.count)
        XCTAssertEqual(pe.provenance.poolRows.count, view.count)
        let rows = pe.provenance.poolRows
        XCTAssertNotEqual(rows, rows.sorted(), "the view is not in pool order")
        // Changes of process between neighbours: a process-sorted view has at most 3, a random
        // order (n - 1)(1 - sum p_k^2) on average (binomial-like, ~30 standard deviations here).
        let codes = pe.provenance.processCodes
        let changes = zip(codes, codes.dropFirst()).filter { $0 != $1 }.count
        let shares = pe.provenance.rowCounts.values.map { Double($0) / Double(view.count) }
        let expected = Double(view.count - 1) * (1 - shares.reduce(0) { $0 + $1 * $1 })
        XCTAssertEqual(Double(changes), expected, accuracy: 5 * expected.squareRoot())
        // About 10 copies per pool row: some row appears several times, with different MET.
        XCTAssertGreaterThan(pe.truth.nuisances.softMet, 0)
        var firstCopy: [Int32: Int] = [:], compared = 0
        let met = Array(view.column(.met)), eta = Array(view.column(.lepEta))
        for (i, r) in rows.enumerated() {
            if let j = firstCopy[r] {
                XCTAssertEqual(eta[i], eta[j], "an unchanged feature is the same for every copy")
                if met[i] != met[j] { compared += 1 }
            } else { firstCopy[r] = i }
        }
        XCTAssertGreaterThan(compared, view.count / 2, "copies get their own soft-MET noise")
        // Each view row is the transform of its pool row: unchanged features match the pool.
        let table = SetsFixtures.sampleTable
        for i in stride(from: 0, to: view.count, by: 97) {
            XCTAssertEqual(view.row(i)[Feature.lepEta.index], table.columns[Feature.lepEta.index][Int(rows[i])])
            XCTAssertEqual(pe.provenance.process(at: i), table.process(at: Int(rows[i])))
        }
    }

    /// The documented rule, executed step by step with the plain APIs (sampler draw, Fisher-Yates,
    /// whole-batch gather and transform), gives exactly the generator's view and provenance:
    /// tiles, records and compaction change nothing.
    func testViewFollowsTheDocumentedRule() throws {
        let g = SetsFixtures.generator(seed: 31)
        for (s, p) in [(0, 0), (2, 3)] {
            let truth = g.truth(set: s, pseudoExperiment: p)
            var poisson = SeedDerivation.generator(31, .poisson, s, p)
            var rows: [Int32] = [], scratch: [Int32] = []
            try g.pool.sampler.draw(normalisations: g.normalisations(for: truth), using: &poisson, into: &rows, scratch: &scratch)
            var order = SeedDerivation.generator(31, .shuffle, s, p)
            for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, order.nextInt(below: i + 1)) }
            var noise = SeedDerivation.generator(31, .softMet, s, p)
            let reference = PreparedEvents(SetsFixtures.sampleTable).gather(rows)
                .applying(SystematicShift(truth.nuisances), noise: &noise)
            let pe = try g.generate(set: s, pseudoExperiment: p)
            XCTAssertGreaterThan(rows.count, 2 * PseudoExperimentGenerator.tileRows)
            XCTAssertEqual(pe.view.count, reference.count)
            for f in Feature.allCases {
                XCTAssertEqual(pe.view.column(f).map(\.bitPattern), reference.column(f).map(\.bitPattern), f.rawValue)
            }
            XCTAssertEqual(pe.provenance.poolRows, Array(reference.sourceRows))
        }
    }

    /// The sealed view type carries nothing but the count and the feature values (with their
    /// column stride; the values' box knows only whether its memory is reused after the view).
    func testSealedViewHasNoOtherFields() throws {
        let view = SealedView(count: 0, columnMajor: [])
        let labels = Mirror(reflecting: view).children.compactMap(\.label)
        XCTAssertEqual(Set(labels), ["count", "columnStride", "box"])
        let box = try XCTUnwrap(Mirror(reflecting: view).children.first { $0.label == "box" }?.value)
        XCTAssertEqual(Set(Mirror(reflecting: box).children.compactMap(\.label)), ["values", "recycled"])
    }

    /// Before the cuts, each process's mean count is c_k W_k (luminosity-scaled), checked over
    /// pseudo-experiments of one truth against the Poisson standard error.
    func testEventCountsFollowTheNormalisations() throws {
        let g = SetsFixtures.generator()
        let truth = g.truth(set: 2, pseudoExperiment: 0)
        let c = g.normalisations(for: truth)
        XCTAssertEqual(g.luminosityScale, 0.01, accuracy: 1e-15)
        XCTAssertEqual(c[.htautau]!, truth.mu * 0.01, accuracy: 1e-15)
        XCTAssertEqual(c[.ttbar]!, truth.nuisances.ttbarScale * truth.nuisances.bkgScale * 0.01, accuracy: 1e-15)
        var totals: [PhysicsProcess: Double] = [:]
        let repeats = 40
        var workspace = GenerationWorkspace()
        for p in 0..<repeats {
            var rng = SeedDerivation.generator(g.seed, .poisson, 2, p)
            try g.pool.sampler.draw(normalisations: c, using: &rng, into: &workspace.rows, scratch: &workspace.scratch)
            for r in workspace.rows { totals[g.pool.process(ofRow: Int(r)), default: 0] += 1 }
        }
        for p in PhysicsProcess.allCases {
            let expected = c[p]! * g.pool.weightSums[p]! * Double(repeats)
            XCTAssertEqual(totals[p] ?? 0, expected, accuracy: 5 * expected.squareRoot() + 1, p.rawValue)
        }
    }

    /// A mu of 0 or a drawn scale of 0 gives no events of that process; a negative
    /// normalisation (a spec that allows it) is a clear error, not a crash.
    func testDegenerateNormalisations() throws {
        var spec = SetsFixtures.mini
        spec.muPrior = .init(min: 0, max: 1e-300)
        let g = PseudoExperimentGenerator(spec: spec, pool: SetsFixtures.samplePool, seed: 1)
        let pe = try g.generate(set: 0, pseudoExperiment: 0)
        XCTAssertEqual(pe.provenance.rowCounts[.htautau], 0)
        var broken = SetsFixtures.mini
        broken.luminosity = -1
        XCTAssertThrowsError(try PseudoExperimentGenerator(spec: broken, pool: SetsFixtures.samplePool, seed: 1)
            .generate(set: 0, pseudoExperiment: 0)) { error in
            XCTAssert("\(error)".contains("normalisation"), "\(error)")
        }
    }
}

/// Results written by concurrent iterations, one slot each.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [[UInt32]]
    init(count: Int) { values = Array(repeating: [], count: count) }
    func set(_ i: Int, _ v: [UInt32]) { lock.lock(); values[i] = v; lock.unlock() }
}
