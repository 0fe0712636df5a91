import XCTest
import PseudoExperiments
@testable import Scoring

final class CoverageBreakdownTests: XCTestCase {
    func result(_ set: Int, _ i: Int, mu: Double, covers: Bool, nuisances: NuisanceValues? = nil) -> ScoredResult {
        let iv = covers ? ConfidenceInterval(lower: mu - 0.1, upper: mu + 0.1)
                        : ConfidenceInterval(lower: mu + 0.05, upper: mu + 0.25)
        return ScoredResult(truth: PseudoExperimentTruth(setIndex: set, index: i, mu: mu, nuisances: nuisances),
                            estimate: Estimate(interval68: iv))
    }

    func testEachBinHasItsOwnBinomialBand() {
        let c = BinomialCoverage(n: 25, covered: 17, target: 0.6827)
        let sigma = (0.6827 * 0.3173 / 25).squareRoot()
        XCTAssertEqual(c.bandLower, 0.6827 - 2 * sigma, accuracy: 1e-15)
        XCTAssertEqual(c.bandUpper, 0.6827 + 2 * sigma, accuracy: 1e-15)
        XCTAssertEqual(c.coverage, 0.68)
        XCTAssertEqual(c.status, .inside)
        XCTAssertEqual(BinomialCoverage(n: 25, covered: 12, target: 0.6827).status, .below)
        XCTAssertEqual(BinomialCoverage(n: 25, covered: 25, target: 0.6827).status, .above)
        XCTAssertEqual(BinomialCoverage(n: 0, covered: 0, target: 0.6827).status, .inside)
        // A larger bin has a narrower band: 12 of 25 is below, as is 480 of 1000 by far.
        XCTAssertLessThan(BinomialCoverage(n: 1000, covered: 680, target: 0.6827).bandUpper - 0.6827, 0.03)
    }

    /// Covers on average (about 0.68 overall) but never near the ends of the mu range.
    func testNeverCoveringNearTheEndsOfTheMuRangeIsExposed() throws {
        var results: [ScoredResult] = []
        for i in 0..<600 {
            let mu = 0.1 + 2.9 * (Double(i) + 0.5) / 600
            let nearEnd = mu < 0.1 + 2.9 / 6 || mu > 3 - 2.9 / 6
            // Ends: never; middle: always except every 20th, so overall ~0.65.
            results.append(result(i % 10, i / 10, mu: mu, covers: !nearEnd && i % 50 != 0))
        }
        let card = try Scorecard(results: results, bootstrap: nil)
        XCTAssertEqual(card.overall.coverage, Double(results.filter { policyCovers($0) }.count) / 600)
        XCTAssertEqual(card.overall.coverage, 0.66, accuracy: 0.02)
        let bins = card.byTrueMu.bins
        XCTAssertEqual(bins.count, 6)
        XCTAssertEqual(bins.first?.coverage.status, .below)
        XCTAssertEqual(bins.last?.coverage.status, .below)
        XCTAssertEqual(bins.first?.coverage.coverage, 0)
        XCTAssertEqual(bins[2].coverage.status, .above)
        XCTAssertEqual(bins.map(\.coverage.n).reduce(0, +), 600)
        XCTAssertEqual(bins.first?.lower, 0.1)
        XCTAssertEqual(bins.last?.upper, 3)
        XCTAssertEqual(card.byTrueMu.binsOutsideBand.count, 6)
    }

    func policyCovers(_ r: ScoredResult) -> Bool { ScoringPolicy.fairUniverse2024.outcome(of: r).covered }

    /// Covers on average but fails at a high jet energy scale: the last jes quartile shows it,
    /// while the tes quartiles (unrelated to the failure) stay inside their bands.
    func testFailingAtHighJetEnergyScaleIsExposed() throws {
        var g = SeededGenerator(seed: 21)
        var results: [ScoredResult] = []
        for i in 0..<800 {
            let n = NuisanceValues(tes: 1 + 0.01 * g.nextGaussian(), jes: 1 + 0.01 * g.nextGaussian())
            results.append(result(i / 100, i % 100, mu: 1, covers: false, nuisances: n))
        }
        // Cover 90% of the lower three jes quartiles (every result except each 10th), none of the top.
        let jesOrder = results.indices.sorted { results[$0].truth.nuisances!.jes < results[$1].truth.nuisances!.jes }
        for (rank, i) in jesOrder.enumerated() where rank < 600 && rank % 10 != 0 {
            results[i] = result(results[i].truth.setIndex, results[i].truth.index, mu: 1, covers: true,
                                nuisances: results[i].truth.nuisances)
        }
        let card = try Scorecard(results: results, bootstrap: nil)
        XCTAssertEqual(card.overall.coverage, 540.0 / 800)
        XCTAssertEqual(card.overall.coverage, 0.675)   // on average: fine
        let jes = try XCTUnwrap(card.byNuisance.first { $0.variable == "jes" })
        XCTAssertEqual(jes.bins.count, 4)
        XCTAssertEqual(jes.bins.map(\.coverage.n), [200, 200, 200, 200])
        XCTAssertEqual(jes.bins.last?.coverage.coverage, 0)
        XCTAssertEqual(jes.bins.last?.coverage.status, .below)
        XCTAssertEqual(jes.bins[0].coverage.status, .above)
        XCTAssertLessThanOrEqual(jes.bins[0].upper, jes.bins[1].lower)
        let tes = try XCTUnwrap(card.byNuisance.first { $0.variable == "tes" })
        XCTAssertTrue(tes.binsOutsideBand.isEmpty, "\(tes.bins.map(\.coverage.coverage))")
        XCTAssertEqual(card.byNuisance.map(\.variable), ["tes", "jes", "soft_met", "ttbar_scale", "diboson_scale", "bkg_scale"])
    }

    func testUnknownNuisancesGiveNoNuisanceBreakdown() throws {
        let card = try Scorecard(results: [result(0, 0, mu: 1, covers: true)], bootstrap: nil)
        XCTAssertTrue(card.byNuisance.isEmpty)
        XCTAssertThrowsError(try CoverageBreakdown.byTrueMu([], bins: 0)) {
            XCTAssertEqual($0 as? ScoringError, .tooFewBins(0))
        }
    }

    func testCoverageAt95PercentCountsMissingIntervalsAsNotCovered() throws {
        let t = { (i: Int) in PseudoExperimentTruth(setIndex: 0, index: i, mu: 1) }
        let iv = { (a: Double, b: Double) in ConfidenceInterval(lower: a, upper: b) }
        let results = [
            ScoredResult(truth: t(0), estimate: Estimate(interval68: iv(0.9, 1.1), interval95: iv(0.8, 1.2))),
            ScoredResult(truth: t(1), estimate: Estimate(interval68: iv(0.9, 1.1), interval95: iv(1.1, 1.3))),
            ScoredResult(truth: t(2), estimate: Estimate(interval68: iv(0.9, 1.1))),
            ScoredResult(truth: t(3), estimate: nil),
        ]
        let c = try XCTUnwrap(try Scorecard(results: results, bootstrap: nil).coverage95)
        XCTAssertEqual(c.n, 4)
        XCTAssertEqual(c.covered, 1)
        XCTAssertEqual(c.target, 0.95)
        XCTAssertNil(try Scorecard(results: Array(results[2...]), bootstrap: nil).coverage95)
    }
}
