import Foundation
import XCTest
import TestSupport
import PseudoExperiments
@testable import Scoring

/// The challenge's reference scorer's numbers on the FAIR Universe sample interval sets
/// (`qs*.csv` against `quantiles_expected.csv`), to 1e-12.
final class ConformanceTests: XCTestCase {
    struct Expected { var name: String; var n: Int; var interval: Double; var coverage: Double; var score: Double }

    func expected() throws -> [Expected] {
        let text = try String(contentsOf: ReferenceData.sample("quantiles_expected.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "set,n,interval,coverage,score")
        return try lines.dropFirst().map { line in
            let f = line.split(separator: ",").map(String.init)
            guard f.count == 5, let n = Int(f[1]), let w = Double(f[2]), let c = Double(f[3]),
                  let s = Double(f[4]) else { throw InteropError.badNumber(path: "quantiles_expected.csv", line: 0, column: "?", value: line) }
            return Expected(name: f[0], n: n, interval: w, coverage: c, score: s)
        }
    }

    func testQuantileSetsMatchTheReferenceScorer() throws {
        let cases = try expected()
        XCTAssertEqual(cases.map(\.name), ["qs1_n100_calibrated", "qs2_n1000_calibrated", "qs3_n100_undercover"])
        for e in cases {
            let table = try IntervalTable.read(contentsOf: ReferenceData.sample(e.name + ".csv"))
            let m = table.metrics()
            XCTAssertEqual(m.n, e.n, e.name)
            XCTAssertEqual(m.interval, e.interval, accuracy: 1e-12, e.name)
            XCTAssertEqual(m.coverage, e.coverage, accuracy: 1e-12, e.name)
            XCTAssertEqual(m.score, e.score, accuracy: 1e-12, e.name)
            XCTAssertEqual(m.failures, 0, e.name)
        }
    }

    /// The same numbers through the result records and the scorecard (one set, N = its size).
    func testScorecardAgreesWithTheTable() throws {
        for e in try expected() {
            let table = try IntervalTable.read(contentsOf: ReferenceData.sample(e.name + ".csv"))
            let results = table.rows.enumerated().map { i, row in
                ScoredResult(truth: PseudoExperimentTruth(setIndex: 0, index: i, mu: row.mu),
                             estimate: row.interval.map { Estimate(interval68: $0) })
            }
            let card = try Scorecard(results: results, bootstrap: nil)
            XCTAssertEqual(card.overall.score, e.score, accuracy: 1e-12, e.name)
            XCTAssertEqual(card.sets.count, 1)
            XCTAssertEqual(card.sets[0].metrics, card.overall)
        }
    }
}
