import XCTest
import PseudoExperiments
@testable import Scoring

final class PointMetricsTests: XCTestCase {
    func r(_ set: Int, _ i: Int, mu: Double, muHat: Double?, delta: Double?) -> ScoredResult {
        let m = muHat ?? mu
        return ScoredResult(truth: PseudoExperimentTruth(setIndex: set, index: i, mu: mu),
                            estimate: Estimate(interval68: ConfidenceInterval(lower: m - 0.1, upper: m + 0.1),
                                               muHat: muHat, uncertainty: delta))
    }

    /// The challenge's RMSE and MAE (per-set means, then the mean over sets), by hand.
    func testChallengeDefinitionsByHand() {
        let results = [
            r(0, 0, mu: 1, muHat: 1.2, delta: 0.1),
            r(0, 1, mu: 1, muHat: 0.9, delta: 0.2),
            r(1, 0, mu: 2, muHat: 2.5, delta: 0.5),
            r(1, 1, mu: 2, muHat: nil, delta: 0.5),        // excluded: no mu_hat
            r(1, 2, mu: 2, muHat: .nan, delta: 0.5),       // excluded: NaN
        ]
        let p = PointMetrics(results: results)
        XCTAssertEqual(p.n, 3)
        XCTAssertEqual(p.excluded, 2)
        let e1 = 0.2, e2 = -0.1
        let set0 = ((e1 * e1 + pow(e1 * e1 - 0.01, 2)).squareRoot() + (e2 * e2 + pow(e2 * e2 - 0.04, 2)).squareRoot()) / 2
        XCTAssertEqual(try XCTUnwrap(p.rmse), (set0 + 0.5) / 2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(p.mae), (0.25 + 0.5) / 2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(p.bias), 0.2, accuracy: 1e-12)
        XCTAssertEqual(p.pullCount, 3)
        XCTAssertEqual(try XCTUnwrap(p.pullMean), (2 - 0.5 + 1) / 3, accuracy: 1e-12)
        let pulls = [2, -0.5, 1.0], m = (2 - 0.5 + 1) / 3
        let sd = (pulls.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 2).squareRoot()
        XCTAssertEqual(try XCTUnwrap(p.pullStandardDeviation), sd, accuracy: 1e-12)
    }

    func testNoPointEstimatesGiveNil() {
        let p = PointMetrics(results: [ScoredResult(truth: PseudoExperimentTruth(setIndex: 0, index: 0, mu: 1),
                                                    estimate: Estimate(p16: 0.5, p84: 1.5))])
        XCTAssertEqual(p.n, 0)
        XCTAssertNil(p.rmse)
        XCTAssertNil(p.mae)
        XCTAssertNil(p.bias)
        XCTAssertNil(p.pullMean)
    }

    /// Calibrated Gaussian estimates have pulls of mean ~0 and sd ~1.
    func testCalibratedPullsAreStandardNormal() {
        let p = PointMetrics(results: BootstrapTests.results(sets: 5, perSet: 400, halfWidth: 0.3))
        XCTAssertEqual(try XCTUnwrap(p.pullMean), 0, accuracy: 0.1)
        XCTAssertEqual(try XCTUnwrap(p.pullStandardDeviation), 1, accuracy: 0.05)
        XCTAssertEqual(try XCTUnwrap(p.bias), 0, accuracy: 0.03)
    }
}
