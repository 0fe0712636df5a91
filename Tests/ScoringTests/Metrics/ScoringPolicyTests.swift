import XCTest
import PseudoExperiments
@testable import Scoring

/// Named edge cases of the one policy for bad estimates.
final class ScoringPolicyTests: XCTestCase {
    let policy = ScoringPolicy.fairUniverse2024

    func interval(_ a: Double, _ b: Double) -> ConfidenceInterval { ConfidenceInterval(lower: a, upper: b) }

    func testFailureWidthIsTheChallengeMuRange() {
        XCTAssertEqual(ScoringPolicy.fairUniverse2024MuRange, 0.1...3)
        XCTAssertEqual(policy.failureWidth, 2.9, accuracy: 1e-15)
    }

    func testSwappedIntervalCountsItsAbsoluteWidthNeverCoversAndIsFlagged() {
        let o = policy.outcome(mu: 1.5, interval: interval(2, 1))
        XCTAssertEqual(o.width, 1)
        XCTAssertFalse(o.covered)
        XCTAssertTrue(o.swapped)
        XCTAssertNil(o.failure)
        // Even when mu equals an end of the swapped interval.
        XCTAssertFalse(policy.outcome(mu: 2, interval: interval(2, 1)).covered)
    }

    func testNaNIsAFailure() {
        for iv in [interval(.nan, 1), interval(0, .nan), interval(.nan, .nan)] {
            let o = policy.outcome(mu: 0.5, interval: iv)
            XCTAssertEqual(o.failure, .nonFinite)
            XCTAssertEqual(o.width, policy.failureWidth)
            XCTAssertFalse(o.covered)
        }
    }

    func testInfiniteIsAFailureNotAnInfiniteWidth() {
        let o = policy.outcome(mu: 0.5, interval: interval(-.infinity, .infinity))
        XCTAssertEqual(o.failure, .nonFinite)
        XCTAssertEqual(o.width, 2.9, accuracy: 1e-15)
        XCTAssertFalse(o.covered)
    }

    func testMissingAndReportedFailures() {
        let truth = PseudoExperimentTruth(setIndex: 0, index: 0, mu: 1)
        XCTAssertEqual(policy.outcome(of: ScoredResult(truth: truth, estimate: nil)).failure, .missing)
        // A recorded failure wins over a (covering) estimate.
        let r = ScoredResult(truth: truth, estimate: Estimate(p16: 0, p84: 2), failure: "timeout")
        let o = policy.outcome(of: r)
        XCTAssertEqual(o.failure, .reported("timeout"))
        XCTAssertFalse(o.covered)
        XCTAssertEqual(o.width, 2.9, accuracy: 1e-15)
    }

    func testZeroWidthCoversOnlyExactly() {
        XCTAssertTrue(policy.outcome(mu: 1, interval: interval(1, 1)).covered)
        XCTAssertEqual(policy.outcome(mu: 1, interval: interval(1, 1)).width, 0)
        XCTAssertFalse(policy.outcome(mu: 1.0.nextUp, interval: interval(1, 1)).covered)
    }

    func testBothEndsAreInclusive() {
        XCTAssertTrue(policy.outcome(mu: 0.5, interval: interval(0.5, 0.9)).covered)
        XCTAssertTrue(policy.outcome(mu: 0.9, interval: interval(0.5, 0.9)).covered)
        XCTAssertFalse(policy.outcome(mu: 0.9.nextUp, interval: interval(0.5, 0.9)).covered)
        XCTAssertFalse(policy.outcome(mu: 0.5.nextDown, interval: interval(0.5, 0.9)).covered)
    }

    func testMetricsCountFailuresAtTheFullRange() {
        let outcomes = [
            policy.outcome(mu: 0.5, interval: interval(0, 1)),       // width 1, covered
            policy.outcome(mu: 0.5, interval: interval(.nan, 1)),    // failure
            policy.outcome(mu: 0.5, interval: nil),                  // failure
            policy.outcome(mu: 0.5, interval: interval(1, 0.8)),     // swapped, width 0.2
        ]
        let m = IntervalMetrics(outcomes: outcomes, parameters: policy.parameters)
        XCTAssertEqual(m.n, 4)
        XCTAssertEqual(m.failures, 2)
        XCTAssertEqual(m.swapped, 1)
        XCTAssertEqual(m.covered, 1)
        XCTAssertEqual(m.interval, (1 + 2.9 + 2.9 + 0.2) / 4, accuracy: 1e-15)
        XCTAssertEqual(m.coverage, 0.25)
        XCTAssertEqual(m.score, policy.parameters.score(meanWidth: m.interval, coverage: 0.25, n: 4),
                       accuracy: 1e-15)
        XCTAssertTrue(m.score.isFinite)
    }

    /// Failing on a hard case never pays: with coverage at or below the target, any interval
    /// inside the mu range, covering or not, scores at least as well as a failure.
    func testFailingNeverPays() {
        let p = policy.parameters
        // Nine easy cases, three covered: under-covering, as a method that fails on hard cases is.
        let easy = (0..<9).map { i in policy.outcome(mu: 1, interval: i < 3 ? interval(0.9, 1.1) : interval(1.2, 1.4)) }
        let failed = IntervalMetrics(outcomes: easy + [policy.outcome(mu: 2, interval: nil)], parameters: p).score
        for a in stride(from: 0.1, through: 3, by: 0.29) {
            for b in stride(from: a, through: 3, by: 0.29) {
                let tried = IntervalMetrics(outcomes: easy + [policy.outcome(mu: 2, interval: interval(a, b))],
                                            parameters: p).score
                XCTAssertGreaterThanOrEqual(tried, failed, "[\(a), \(b)]")
            }
        }
    }
}
