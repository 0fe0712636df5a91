import XCTest
@testable import Scoring

final class ScoreParametersTests: XCTestCase {
    func testNoPenaltyInsideTheBand() {
        let p = ScoreParameters.fairUniverse2024
        XCTAssertEqual(p.coveragePenalty(coverage: 0.6827, n: 100), 1)
        // w = 0.6, c inside the band: score = -ln(0.601).
        XCTAssertEqual(p.score(meanWidth: 0.6, coverage: 0.70, n: 100), -log(0.601), accuracy: 1e-15)
    }

    func testUnderCoverageIsPenalisedWithFourthPower() {
        let p = ScoreParameters.fairUniverse2024
        let s = p.sigma68(n: 100)
        let lower = 0.6827 - 2 * s
        XCTAssertEqual(p.coveragePenalty(coverage: lower - s, n: 100), 2, accuracy: 1e-12)
        XCTAssertEqual(p.coveragePenalty(coverage: lower - 2 * s, n: 100), 17, accuracy: 1e-12)
    }
}
