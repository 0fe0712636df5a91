import XCTest
import PseudoExperiments
@testable import Scoring

final class BootstrapTests: XCTestCase {
    /// K sets of n results with one true mu per set; intervals of half-width `halfWidth` around a
    /// Gaussian estimate of spread 1/2 unit of half-width, drawn from `seed`.
    static func results(sets: Int, perSet: Int, halfWidth: Double = 0.3, seed: UInt64 = 7,
                        failEvery: Int = 0) -> [ScoredResult] {
        var g = SeededGenerator(seed: seed)
        var out: [ScoredResult] = []
        for s in 0..<sets {
            let mu = 0.1 + 2.9 * Double(s) / Double(max(sets - 1, 1))
            for i in 0..<perSet {
                let nuisances = NuisanceValues(tes: 1 + 0.01 * g.nextGaussian(), jes: 1 + 0.01 * g.nextGaussian())
                let muHat = mu + halfWidth * g.nextGaussian()
                let truth = PseudoExperimentTruth(setIndex: s, index: i, mu: mu, nuisances: nuisances)
                if failEvery > 0, (s * perSet + i) % failEvery == 0 {
                    out.append(ScoredResult(truth: truth, estimate: nil, failure: "did not converge"))
                } else {
                    out.append(ScoredResult(truth: truth, estimate: Estimate(
                        interval68: ConfidenceInterval(lower: muHat - halfWidth, upper: muHat + halfWidth),
                        muHat: muHat, uncertainty: halfWidth)))
                }
            }
        }
        return out
    }

    func testSameSeedSameReplicatesInAnyInputOrder() throws {
        let r = Self.results(sets: 4, perSet: 50)
        let options = BootstrapOptions(replicates: 200, seed: 42)
        let a = try Bootstrap.intervalMetrics(of: r, options: options)
        let b = try Bootstrap.intervalMetrics(of: r.reversed(), options: options)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.scores.count, 200)
        let c = try Bootstrap.intervalMetrics(of: r, options: BootstrapOptions(replicates: 200, seed: 43))
        XCTAssertNotEqual(a.scores, c.scores)
    }

    /// One set of calibrated intervals: the coverage SE is the binomial sqrt(c (1 - c) / n).
    func testCoverageStandardErrorIsBinomialForOneSet() throws {
        let r = Self.results(sets: 1, perSet: 400)
        let d = try Bootstrap.intervalMetrics(of: r, options: BootstrapOptions(replicates: 1000, seed: 1))
        let c = try Scorecard(results: r, bootstrap: nil).overall.coverage
        let binomial = (c * (1 - c) / 400).squareRoot()
        XCTAssertEqual(d.coverageStandardError, binomial, accuracy: 0.1 * binomial)
        // All widths are equal: the width does not vary.
        XCTAssertEqual(d.intervalStandardError, 0, accuracy: 1e-12)
        XCTAssertGreaterThan(d.scoreStandardError, 0)
    }

    /// Resampling sets: sets with different failure rates make the pooled coverage vary more
    /// than resampling pseudo-experiments alone would.
    func testResamplingSetsWidensTheSpreadBetweenUnequalSets() throws {
        var r = Self.results(sets: 6, perSet: 100)
        for i in r.indices where r[i].truth.setIndex < 3 { r[i].estimate = nil }   // half the sets fail
        let d = try Bootstrap.intervalMetrics(of: r, options: BootstrapOptions(replicates: 400, seed: 3))
        let c = 0.5 * 0.68
        let pseudoExperimentsOnly = (c * (1 - c) / 600).squareRoot()
        XCTAssertGreaterThan(d.coverageStandardError, 3 * pseudoExperimentsOnly)
        XCTAssertGreaterThan(d.intervalStandardError, 0.1)
    }

    func testTooFewReplicatesIsAnError() {
        XCTAssertThrowsError(try Bootstrap.intervalMetrics(of: Self.results(sets: 1, perSet: 3),
                                                           options: BootstrapOptions(replicates: 1))) {
            XCTAssertEqual($0 as? ScoringError, .tooFewReplicates(1))
        }
    }

    func testEmptyAndDuplicateResultsAreErrors() {
        XCTAssertThrowsError(try Bootstrap.intervalMetrics(of: [])) { XCTAssertEqual($0 as? ScoringError, .noResults) }
        let r = Self.results(sets: 1, perSet: 3)
        XCTAssertThrowsError(try Bootstrap.intervalMetrics(of: r + [r[1]])) {
            XCTAssertEqual($0 as? ScoringError, .duplicateResult(r[1].key))
        }
    }
}

final class PairedBootstrapTests: XCTestCase {
    func testASubmissionAgainstItselfIsNeverSignificant() throws {
        let r = BootstrapTests.results(sets: 3, perSet: 40)
        let d = try PairedBootstrap.scoreDifference(r, r, options: BootstrapOptions(replicates: 100, seed: 5))
        XCTAssertEqual(d.observed, 0)
        XCTAssertEqual(d.standardError, 0)
        XCTAssertFalse(d.isSignificant)
        XCTAssertEqual(d.fractionFirstBetter, 0)
    }

    func testNarrowerCalibratedIntervalsWinSignificantly() throws {
        let good = BootstrapTests.results(sets: 4, perSet: 100, halfWidth: 0.2)
        // The same truths, with twice the width around the same estimates: over-covers, wider.
        let wide = good.map { r -> ScoredResult in
            var r = r
            if let m = r.estimate?.muHat { r.estimate = Estimate(p16: m - 0.4, p84: m + 0.4) }
            return r
        }
        let options = BootstrapOptions(replicates: 300, seed: 9)
        let d = try PairedBootstrap.scoreDifference(good, wide, options: options)
        XCTAssertGreaterThan(d.observed, 0)
        XCTAssertTrue(d.isSignificant)
        XCTAssertGreaterThan(d.lower, 0)
        XCTAssertEqual(d.fractionFirstBetter, 1, accuracy: 0.01)
        // Reproducible by seed, antisymmetric in the order of the two submissions.
        XCTAssertEqual(try PairedBootstrap.scoreDifference(good, wide, options: options), d)
        let swapped = try PairedBootstrap.scoreDifference(wide, good, options: options)
        XCTAssertEqual(swapped.observed, -d.observed, accuracy: 1e-12)
        XCTAssertEqual(swapped.upper, -d.lower, accuracy: 1e-12)
    }

    func testUnpairedSubmissionsAreAnError() {
        let a = BootstrapTests.results(sets: 2, perSet: 5)
        let b = Array(a.dropLast())
        XCTAssertThrowsError(try PairedBootstrap.scoreDifference(a, b)) { error in
            XCTAssertEqual(error as? ScoringError,
                           .unpairedResults(onlyInFirst: 1, onlyInSecond: 0, example: a.last!.key))
            XCTAssertTrue("\(error)".contains("same sets and pseudo-experiments"))
        }
        var c = a
        c[2].truth.mu += 0.5
        XCTAssertThrowsError(try PairedBootstrap.scoreDifference(a, c)) {
            XCTAssertEqual($0 as? ScoringError, .truthMismatch(a[2].key, first: a[2].truth.mu, second: c[2].truth.mu))
        }
    }
}
