import Foundation
import PseudoExperiments
@testable import Scoring
import XCTest

/// Coverage at every level against +-3 sigma bands, on a problem whose exact intervals are
/// known: x ~ Normal(mu, sigma) per pseudo-experiment, the central interval at level c is
/// x +- z_c sigma with z_c = Phi^-1((1 + c) / 2). A correct estimator must pass every band; one
/// whose intervals are 20% too narrow (x +- 0.8 z_c sigma, true coverage 0.41, 0.58, 0.81, 0.88
/// at 50, 68.27, 90, 95%) must fail every band at N = 1000, the acceptance run's size (its
/// coverage lies 5.7, 7.3, 9.1 and 9.7 sigma below the levels).
final class LevelCoverageTests: XCTestCase {
    /// z_c of the levels (Phi^-1((1 + c) / 2)), to 1e-6.
    static let z: [Double: Double] = [0.5: 0.674490, 0.6827: 1.000022, 0.9: 1.644854, 0.95: 1.959964]

    /// N results of the Gaussian problem with intervals scaled by `scale` (1: exact).
    static func results(n: Int, scale: Double, seed: UInt64) -> [ScoredResult] {
        var rng = SeededGenerator(seed: seed)
        let sigma = 0.3
        return (0..<n).map { i in
            let mu = rng.nextDouble(in: 0.1, 3)
            let x = mu + sigma * rng.nextGaussian()
            func interval(_ level: Double) -> ConfidenceInterval {
                let h = scale * z[level]! * sigma
                return ConfidenceInterval(lower: x - h, upper: x + h)
            }
            let estimate = Estimate(interval68: interval(0.6827), muHat: x, uncertainty: scale * sigma,
                                    levels: [0.5, 0.9, 0.95].map { LevelInterval(level: $0, interval: interval($0)) })
            return ScoredResult(truth: PseudoExperimentTruth(setIndex: i / 10, index: i % 10, mu: mu), estimate: estimate)
        }
    }

    func testACorrectEstimatorPassesEveryBandAndOneTwentyPercentTooNarrowFailsEvery() throws {
        let policy = ScoringPolicy.fairUniverse2024
        for seed: UInt64 in [1, 2, 3] {
            let correct = LevelCoverage.all(Self.results(n: 1000, scale: 1, seed: seed), policy: policy)
            XCTAssertEqual(correct.map(\.level), [0.5, 0.6827, 0.9, 0.95])
            for l in correct {
                XCTAssertEqual(l.coverage.status, .inside, "seed \(seed), level \(l.level): \(l.coverage.coverage)")
                XCTAssertEqual(l.coverage.bandSigmas, 3)
                XCTAssertEqual(l.reported, 1000)
            }
            let narrow = LevelCoverage.all(Self.results(n: 1000, scale: 0.8, seed: seed), policy: policy)
            for l in narrow {
                XCTAssertEqual(l.coverage.status, .below, "seed \(seed), level \(l.level): \(l.coverage.coverage)")
            }
        }
        // The Scorecard carries the same calibration points.
        let card = try Scorecard(results: Self.results(n: 1000, scale: 0.8, seed: 1), bootstrap: nil)
        XCTAssertEqual(card.levels?.map(\.coverage.status), [.below, .below, .below, .below])
        XCTAssertEqual(card.levels?.first { $0.level == 0.6827 }?.coverage.covered, card.overall.covered)
    }

    func testABandAtAPlainSizeIsTheBinomialOne() {
        let c = BinomialCoverage(n: 400, covered: 380, target: 0.95, bandSigmas: LevelCoverage.bandSigmas)
        XCTAssertEqual(c.bandLower, 0.95 - 3 * (0.95 * 0.05 / 400).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(c.status, .inside)
        XCTAssertEqual(BinomialCoverage(n: 400, covered: 365, target: 0.95, bandSigmas: 3).status, .below)
    }

    func testFailuresAndMissingLevelsCountAsNotCoveredAndThePrimaryIsP16P84() throws {
        let t = { (i: Int) in PseudoExperimentTruth(setIndex: 0, index: i, mu: 1) }
        let iv = { (a: Double, b: Double) in ConfidenceInterval(lower: a, upper: b) }
        let results = [
            ScoredResult(truth: t(0), estimate: Estimate(interval68: iv(0.9, 1.1), levels: [LevelInterval(level: 0.9, lower: 0.5, upper: 1.5)])),
            ScoredResult(truth: t(1), estimate: Estimate(interval68: iv(0.9, 1.1))),                       // no 90%
            ScoredResult(truth: t(2), estimate: Estimate(interval68: iv(0.9, 1.1), levels: [LevelInterval(level: 0.9, lower: .nan, upper: 1.5)])),
            ScoredResult(truth: t(3), estimate: nil, failure: "crashed"),
        ]
        let levels = LevelCoverage.all(results, policy: .fairUniverse2024)
        XCTAssertEqual(levels.map(\.level), [0.6827, 0.9])
        XCTAssertEqual(levels[0].coverage.covered, 3)
        XCTAssertEqual(levels[0].coverage.n, 4)
        XCTAssertEqual(levels[1].coverage.covered, 1)
        XCTAssertEqual(levels[1].reported, 1)
        XCTAssertEqual(levels[1].meanWidth, (1 + 2.9 * 3) / 4, accuracy: 1e-12)
        // A policy whose target is 0.9 takes p16/p84 as the 90% interval.
        let ninety = ScoringPolicy(parameters: ScoreParameters(target: 0.9), muRange: 0.1...3)
        XCTAssertEqual(LevelCoverage.levels(of: results, policy: ninety), [0.9])
        XCTAssertEqual(LevelCoverage(results: results, level: 0.9, policy: ninety).coverage.covered, 3)
    }
}
