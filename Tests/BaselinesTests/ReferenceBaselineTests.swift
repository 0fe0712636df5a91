import Foundation
import XCTest
import PseudoExperiments
@testable import Baselines

final class ReferenceBaselineTests: XCTestCase {
    func testOracleNeedsTheNuisancesAndCoversWithThem() throws {
        var context = BaselineFixture.context()
        let oracle = OracleBaseline(base: FittedFixture.smallClassifier)
        let fitted = try XCTUnwrap(try oracle.fit(&context) as? OracleBaseline.Fitted)
        let toy = try BaselineFixture.study.toy(seed: 2024, index: 3, mu: 0.8)
        var rng = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try fitted.estimate(toy.view, using: &rng)) { error in
            XCTAssertTrue(error is OracleWithoutNuisances, "\(error)")
        }
        let estimate = try fitted.estimate(toy.view, knowing: toy.nuisances, using: &rng)
        XCTAssertTrue(estimate.interval68.contains(0.8), "\(estimate.interval68)")
        XCTAssertEqual(try fitted.estimate(view: toy.view, knownNuisances: toy.nuisances), estimate)
    }

    func testCalibrationFindsAThresholdFromToys() throws {
        var context = BaselineFixture.context()
        let calibrated = CalibratedEstimator(base: FittedFixture.smallClassifier,
                                             calibration: ThresholdCalibration(nuisanceDraws: 4, toysPerDraw: 10))
        let (fitted, result) = try calibrated.fitCalibrated(&context)
        XCTAssertEqual(result.toys + result.failures, 40)
        XCTAssertLessThanOrEqual(result.failures, 2)
        XCTAssertGreaterThan(result.threshold, 0.2)
        XCTAssertLessThan(result.threshold, 5)
        XCTAssertEqual(fitted.likelihood.threshold, result.threshold)
        // The calibrated threshold covers the toys' truth at the confidence level (to the quantile's resolution).
        XCTAssertEqual(result.coverage, 0.6827, accuracy: 1.0 / 40 + 1e-9)
        let toy = try BaselineFixture.study.toy(seed: 2024, index: 4, mu: 2)
        var rng = SeededGenerator(seed: 1)
        let estimate = try fitted.estimate(toy.view, using: &rng)
        XCTAssertTrue(estimate.interval68.isFinite)
    }
}
