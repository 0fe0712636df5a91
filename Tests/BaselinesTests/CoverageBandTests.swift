import Foundation
import XCTest
import PseudoExperiments
@testable import Baselines

/// Coverage at 50, 68.27, 90 and 95% against +-3 sigma binomial bands, on fresh toys from the
/// evaluation pool (never the rows or toys a baseline was trained or calibrated on), at sizes
/// where an estimator 20% too narrow fails: the binned likelihood must pass every band and its
/// 20%-narrower copy (``ScaledIntervals``) must fail at 68.27, 90 and 95%; the calibrated
/// baseline must pass every band on toys other than its calibration toys. (Not counting for
/// the narrow check: its intervals, about 2 wide on a prior of width 2.9, are mostly clipped to
/// the prior, so shrinking them by 20% costs little coverage: measured 0.62 at 68.27%.)
///
/// At N = 300 the bands are +-0.087 (50%), +-0.081 (68.27%), +-0.052 (90%), +-0.038 (95%); an
/// interval 20% narrower than a calibrated Gaussian one covers 0.41, 0.58, 0.81 and 0.88, i.e.
/// 3.1, 4.0, 5.2 and 6.4 sigma below: 50% is not asserted for the narrow copy (3.1 sigma is
/// detected about half the time; the acceptance run's N = 1000 puts it at 5.7 sigma).
final class CoverageBandTests: XCTestCase {
    static let levels = [0.5, 0.6827, 0.9, 0.95]

    func testBinnedLikelihoodCoversEveryLevelAndATwentyPercentNarrowerCopyFails() throws {
        let fitted = FittedFixture.binned
        var rng = SeededGenerator(seed: 5)
        let summary = try BaselineFixture.study.run(count: 300, seed: 20261207) { try fitted.estimate($0.view, using: &rng) }
        XCTAssertEqual(summary.failures, 0, "\(summary)")
        let narrow = ToyStudy.Summary(outcomes: summary.outcomes.map { o in
            var n = o
            n.estimate = o.estimate.map { e in
                Estimate(interval68: ScaledIntervals.scaled(e.interval68, 0.8),
                         levels: e.levels.map { LevelInterval(level: $0.level, interval: ScaledIntervals.scaled($0.interval, 0.8)) })
            }
            return n
        })
        for level in Self.levels {
            XCTAssertNotNil(summary.outcomes[0].estimate.flatMap { level == 0.6827 ? $0.interval68 : $0.interval(at: level) },
                            "binned-likelihood reports level \(level)")
            let c = summary.coverage(at: level)
            XCTAssertTrue(c.inside, "binned-likelihood at \(level): \(c.coverage) outside \(c.band)")
            let n = narrow.coverage(at: level)
            if level != 0.5 {
                XCTAssertFalse(n.inside, "20% narrower binned-likelihood at \(level): \(n.coverage) inside \(c.band)")
                XCTAssertLessThan(n.coverage, n.band.lowerBound)
            }
        }
    }

    func testScaledIntervalsNarrowsEveryLevel() throws {
        var rng = SeededGenerator(seed: 1)
        let toy = try BaselineFixture.study.toy(seed: 7, index: 0, mu: 1.2)
        let base = try FittedFixture.counting.estimate(toy.view, using: &rng)
        let narrow = try ScaledIntervals(base: FittedFixture.counting, factor: 0.8).estimate(toy.view, using: &rng)
        XCTAssertEqual(narrow.interval68.width, 0.8 * base.interval68.width, accuracy: 1e-12)
        XCTAssertEqual(narrow.levels.map(\.level), base.levels.map(\.level))
        for (a, b) in zip(narrow.levels, base.levels) { XCTAssertEqual(a.interval.width, 0.8 * b.interval.width, accuracy: 1e-12) }
    }

    func testEveryLikelihoodBaselineReportsNestedIntervalsAtEveryLevel() throws {
        let toy = try BaselineFixture.study.toy(seed: 2024, index: 1, mu: 1.4)
        var rng = SeededGenerator(seed: 1)
        let estimates: [(String, Estimate)] = [
            ("counting", try FittedFixture.counting.estimate(toy.view, using: &rng)),
            ("binned-likelihood", try FittedFixture.binned.estimate(toy.view, using: &rng)),
            ("classifier-likelihood", try FittedFixture.classifier.estimate(toy.view, using: &rng)),
            ("oracle", try FittedFixture.classifier.estimate(toy.view, knownNuisances: toy.nuisances)),
        ]
        for (name, e) in estimates {
            XCTAssertEqual(e.levels.map(\.level), [0.5, 0.9, 0.95], name)
            let ordered = [e.interval(at: 0.5)!, e.interval68, e.interval(at: 0.9)!, e.interval95!]
            for (inner, outer) in zip(ordered, ordered.dropFirst()) {
                XCTAssertLessThanOrEqual(outer.lower, inner.lower, "\(name): \(ordered)")
                XCTAssertGreaterThanOrEqual(outer.upper, inner.upper, "\(name): \(ordered)")
            }
            XCTAssertLessThan(e.interval(at: 0.5)!.width, e.interval95!.width, name)
        }
        // The asymptotic thresholds: chi-square quantiles with one degree of freedom.
        let thresholds = FittedFixture.binned.likelihood.furtherLevels.map(\.threshold)
        for (t, expected) in zip(thresholds, [0.454936, 2.705543, 3.841459]) { XCTAssertEqual(t, expected, accuracy: 1e-5) }
        XCTAssertEqual(FittedFixture.binned.likelihood.threshold, 1.0000434, accuracy: 1e-6)
    }

    /// The calibrated baseline on toys drawn from an evaluation pool at a seed of their own: its
    /// thresholds came from bootstrap replicates of the training pool, so these toys share none
    /// of the calibration's rows or draws. The pool holds 240,000 rows, 23 times a toy's ~10,500
    /// events: with the fixture's 40,000 rows every toy reuses a quarter of the pool, the toys
    /// share its fluctuation, and coverage came out 0.575 at 68.27% (N = 200) for a reason of
    /// the fixture, not of the estimator.
    func testCalibratedCoversEveryLevelOnFreshToys() throws {
        var context = BaselineFixture.context()
        let calibrated = CalibratedEstimator(base: FittedFixture.smallClassifier,
                                             calibration: ThresholdCalibration(nuisanceDraws: 8, toysPerDraw: 50))
        let (fitted, result) = try calibrated.fitCalibrated(&context)
        XCTAssertEqual(result.furtherThresholds.map(\.level), [0.5, 0.9, 0.95])
        let all = [result.furtherThresholds[0].threshold, result.threshold] + result.furtherThresholds.dropFirst().map(\.threshold)
        XCTAssertEqual(all, all.sorted(), "thresholds rise with the level: \(all)")
        XCTAssertEqual(fitted.likelihood.furtherLevels, result.furtherThresholds)
        var rng = SeededGenerator(seed: 9)
        let study = try ToyStudy(spec: BaselineFixture.spec, evaluationPool: BaselineFixture.evaluationPool(rows: 240_000, seed: 13))
        let summary = try study.run(count: 200, seed: 902_417) { try fitted.estimate($0.view, using: &rng) }
        XCTAssertEqual(summary.failures, 0, "\(summary)")
        for level in Self.levels {
            // The thresholds are quantiles of the calibration's own toys: their binomial
            // precision widens the band (measured without it: 0.835 at 90%, 3.0 sigma below).
            let c = summary.coverage(at: level, calibrationToys: result.toys)
            XCTAssertTrue(c.inside, "calibrated at \(level) on fresh toys: \(c.coverage) outside \(c.band)")
        }
    }
}
