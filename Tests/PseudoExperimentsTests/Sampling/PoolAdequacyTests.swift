import XCTest
@testable import PseudoExperiments

final class PoolAdequacyTests: XCTestCase {
    func testCoverageAtZeroOffsetIsTheNominal68Percent() {
        XCTAssertEqual(PoolAdequacy.coverage(atOffset: 0), 0.682_689_492_137_085_9, accuracy: 1e-14)
        // Even in d, and falls with |d|.
        XCTAssertEqual(PoolAdequacy.coverage(atOffset: 0.3), PoolAdequacy.coverage(atOffset: -0.3), accuracy: 1e-15)
        XCTAssertLessThan(PoolAdequacy.coverage(atOffset: 0.3), PoolAdequacy.coverage(atOffset: 0.2))
        // C(1) = Phi(0) - Phi(-2).
        XCTAssertEqual(PoolAdequacy.coverage(atOffset: 1), 0.5 - 0.022_750_131_948_179_2, accuracy: 1e-13)
    }

    func testTheCoefficientIsPhiOfOneAndTheQuarticTermIsPhiOfOneOverSix() {
        XCTAssertEqual(PoolAdequacy.coverageLossCoefficient, 0.241_970_724_519_143_37, accuracy: 1e-16)
        let c0 = PoolAdequacy.coverage(atOffset: 0)
        for d in [0.01, 0.03, 0.1] {
            let loss = c0 - PoolAdequacy.coverage(atOffset: d)
            let phi1 = PoolAdequacy.coverageLossCoefficient
            // loss = phi(1) d^2 - phi(1) d^4 / 6 + O(d^6)
            XCTAssertEqual(loss / (d * d), phi1, accuracy: 0.2 * d * d, "d \(d)")
            XCTAssertEqual(loss, phi1 * d * d * (1 - d * d / 6), accuracy: 0.01 * d * d * d * d + 1e-15, "d \(d)")
        }
    }

    func testQuadraticFormIsAnUpperBoundOnTheLoss() {
        let c0 = PoolAdequacy.coverage(atOffset: 0)
        for i in 1...1000 {
            let d = Double(i) / 100
            XCTAssertLessThanOrEqual(c0 - PoolAdequacy.coverage(atOffset: d),
                                     PoolAdequacy.coverageLossCoefficient * d * d, "d \(d)")
        }
    }

    func testFiguresForEqualWeightsAtFiftyTimesAPseudoExperiment() throws {
        // 5000 equal-weight rows for a pseudo-experiment of 100 expected events: ratio 50.
        let a = try PoolAdequacy(weights: [Float](repeating: 2, count: 5000), expectedEvents: 100)
        XCTAssertEqual(a.poolRows, 5000)
        XCTAssertEqual(a.effectiveRows, 5000, accuracy: 1e-9)
        XCTAssertEqual(a.rowRatio, 50)
        XCTAssertEqual(a.effectiveRatio, 50, accuracy: 1e-12)
        XCTAssertEqual(a.offsetSigma, 1 / 50.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(a.coverageLoss, 0.004_823_315_333_115_53, accuracy: 1e-12)
        XCTAssertEqual(a.coverageLossBound, 0.004_839_414_490_382_867, accuracy: 1e-12)
        XCTAssertTrue(a.meetsRecommendation)
        // Default expected size: the sum of the weights (10,000 events from 5000 rows: ratio 0.5).
        let b = try PoolAdequacy(weights: [Float](repeating: 2, count: 5000))
        XCTAssertEqual(b.expectedEvents, 10_000)
        XCTAssertEqual(b.effectiveRatio, 0.5, accuracy: 1e-12)
        XCTAssertFalse(b.meetsRecommendation)
    }

    func testUnequalWeightsUseKishEffectiveRows() throws {
        let a = try PoolAdequacy(weights: [1, 1, 1, 3], expectedEvents: 0.06)
        XCTAssertEqual(a.effectiveRows, 36.0 / 12, accuracy: 1e-12)
        XCTAssertEqual(a.effectiveRatio, 50, accuracy: 1e-9)
        XCTAssertEqual(a.rowRatio, 4 / 0.06, accuracy: 1e-9)
        let s = try PoolAdequacy(poolRows: 4, sumWeights: 6, sumSquaredWeights: 12, expectedEvents: 0.06)
        XCTAssertEqual(s, a)
    }

    func testManifestEncodingUsesSnakeCaseKeysAndRoundTrips() throws {
        let a = try PoolAdequacy(weights: [0.5, 0.25, 0.25], expectedEvents: 0.01)
        let data = try JSONEncoder().encode(a)
        let text = String(decoding: data, as: UTF8.self)
        for key in ["pool_rows", "effective_rows", "expected_events", "row_ratio", "effective_ratio",
                    "offset_sigma", "coverage_loss", "coverage_loss_bound"] {
            XCTAssertTrue(text.contains("\"\(key)\""), key)
        }
        XCTAssertEqual(try JSONDecoder().decode(PoolAdequacy.self, from: data), a)
    }

    func testBadInputThrows() {
        XCTAssertThrowsError(try PoolAdequacy(weights: [])) { XCTAssertEqual($0 as? SamplingError, .emptyWeights) }
        XCTAssertThrowsError(try PoolAdequacy(weights: [1, -2])) {
            XCTAssertEqual($0 as? SamplingError, .invalidWeight(row: 1, value: -2))
        }
        XCTAssertThrowsError(try PoolAdequacy(weights: [0, 0])) { XCTAssertEqual($0 as? SamplingError, .zeroWeightSum(rows: 2)) }
        for bad in [0.0, -5, .nan, .infinity] {
            XCTAssertThrowsError(try PoolAdequacy(weights: [1, 2], expectedEvents: bad)) { error in
                guard case SamplingError.invalidExpectedEvents = error else { return XCTFail("\(error)") }
            }
        }
    }
}
