import Foundation
import PseudoExperiments
@testable import Scoring
import XCTest

final class CSVTextTests: XCTestCase {
    func testReadsQuotedFieldsCRLFAndBlankLines() throws {
        let text = "a,b,c\r\n1,\"x, \"\"y\"\"\",\r\n\r\n2,\"two\nlines\",z\n3,,\"\""
        let records = try CSVText.records(text)
        XCTAssertEqual(records.map(\.line), [1, 2, 4, 6])
        XCTAssertEqual(records[1].fields, ["1", "x, \"y\"", ""])
        XCTAssertEqual(records[2].fields, ["2", "two\nlines", "z"])
        XCTAssertEqual(records[3].fields, ["3", "", ""])
    }

    func testRefusesBrokenQuotesWithTheLine() {
        XCTAssertThrowsError(try CSVText.records("a\n\"open")) {
            XCTAssertEqual($0 as? CSVText.SyntaxError, CSVText.SyntaxError(line: 2, message: "a quoted field is never closed"))
        }
        XCTAssertThrowsError(try CSVText.records("a,b\n\"x\"y,1")) { XCTAssertEqual(($0 as? CSVText.SyntaxError)?.line, 2) }
        XCTAssertThrowsError(try CSVText.records("a,b\nx\"y,1")) { XCTAssertEqual(($0 as? CSVText.SyntaxError)?.line, 2) }
    }

    func testWritingRoundTrips() throws {
        let rows = [["name", "note"], ["a,b", "say \"hi\""], [" padded", "line\nbreak"], ["", "plain"]]
        let text = CSVText.text(rows)
        XCTAssertEqual(text, "name,note\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\" padded\",\"line\nbreak\"\r\n,plain\r\n")
        XCTAssertEqual(try CSVText.records(text).map(\.fields), rows)
    }
}

final class ResultsCSVTests: XCTestCase {
    private func parse(_ text: String) throws -> ResultsCSV { try ResultsCSV.parse(text, path: "r.csv") }

    private func assertError(_ text: String, _ expected: ResultsCSVError, line: UInt = #line) {
        XCTAssertThrowsError(try parse(text), line: line) { XCTAssertEqual($0 as? ResultsCSVError, expected, line: line) }
    }

    /// Intervals at further levels come as quantile pairs (p25,p75 = 50%; p5,p95 = 90%;
    /// p2_5,p97_5 = 95%), each pair whole, and reach the estimate's levels.
    func testReadsLevelIntervalsAsQuantilePairs() throws {
        let csv = try parse("""
            set_index,index,p16,p84,p25,p75,p5,p95,p2_5,p97_5,p0_5,p99_5,runtime_s
            0,0,0.8,1.2,0.9,1.1,0.7,1.3,0.6,1.4,0.5,1.5,0.1
            0,1,0.8,1.2,,,0.7,1.3,,,,,0.1
            """)
        let first = try XCTUnwrap(csv.outcomes[0].estimate)
        XCTAssertEqual(first.levels.map(\.level), [0.5, 0.9, 0.95, 0.99])
        XCTAssertEqual(first.levels[0].interval, ConfidenceInterval(lower: 0.9, upper: 1.1))
        XCTAssertEqual(first.levels[3].interval, ConfidenceInterval(lower: 0.5, upper: 1.5))
        XCTAssertEqual(first.interval95, ConfidenceInterval(lower: 0.6, upper: 1.4))
        XCTAssertEqual(try XCTUnwrap(csv.outcomes[1].estimate).levels.map(\.level), [0.9], "an empty pair is not reported")
        assertError("set_index,index,p16,p84,p25,runtime_s\n0,0,0.8,1.2,0.9,0.1", .missingColumn(path: "r.csv", column: "p75"))
        assertError("set_index,index,p16,p84,p5,p95,runtime_s\n0,0,0.8,1.2,0.7,,0.1",
                    .halfInterval(path: "r.csv", line: 2, given: "p5", missing: "p95"))
        for bad in ["p50", "p_5", "p5_", "p100", "pp5", "p1_2_3"] {
            assertError("set_index,index,p16,p84,\(bad),runtime_s\n0,0,0.8,1.2,1,0.1", .unknownColumn(path: "r.csv", column: bad))
        }
    }

    func testReadsEveryKindOfResult() throws {
        let csv = try parse("""
            index,set_index,runtime_s,p16,p84,mu_hat,uncertainty,p2_5,p97_5,error
            0,0,0.5,0.8,1.4,1.1,0.3,0.5,1.7,
            1,0,0.25,nan,inf,,,,,
            2,0,30,,,,,,,"timeout, no estimate"
            3,1,0,,,,,,,
            """)
        XCTAssertEqual(csv.lines, [2, 3, 4, 5])
        let o = csv.outcomes
        XCTAssertEqual(o[0], PseudoExperimentOutcome(
            key: PseudoExperimentKey(setIndex: 0, index: 0),
            estimate: Estimate(interval68: ConfidenceInterval(lower: 0.8, upper: 1.4), muHat: 1.1, uncertainty: 0.3,
                               interval95: ConfidenceInterval(lower: 0.5, upper: 1.7)),
            runtimeSeconds: 0.5))
        XCTAssertTrue(o[1].estimate!.interval68.lower.isNaN)
        XCTAssertEqual(o[1].estimate!.interval68.upper, .infinity)
        XCTAssertNil(o[1].estimate!.muHat)
        XCTAssertEqual(o[2].failure, "timeout, no estimate")
        XCTAssertNil(o[2].estimate)
        XCTAssertEqual(o[3], PseudoExperimentOutcome(key: PseudoExperimentKey(setIndex: 1, index: 3), estimate: nil,
                                                     runtimeSeconds: 0))
    }

    func testBadInputNamesTheLineAndColumn() {
        let header = "set_index,index,p16,p84,runtime_s"
        assertError("", .empty(path: "r.csv"))
        assertError(header, .noRows(path: "r.csv"))
        assertError("set_index,index,p16,runtime_s\n0,0,1,1", .missingColumn(path: "r.csv", column: "p84"))
        assertError(header + ",p_16\n0,0,1,2,0,3", .unknownColumn(path: "r.csv", column: "p_16"))
        assertError(header + ",p16\n0,0,1,2,0,3", .duplicateColumn(path: "r.csv", column: "p16"))
        assertError(header + "\n0,0,1,2", .wrongFieldCount(path: "r.csv", line: 2, expected: 5, found: 4))
        assertError(header + "\n0,-1,1,2,0", .badIndex(path: "r.csv", line: 2, column: "index", value: "-1"))
        assertError(header + "\n0,0,1,2,0\nx,1,1,2,0", .badIndex(path: "r.csv", line: 3, column: "set_index", value: "x"))
        assertError(header + "\n0,0,1,two,0", .badNumber(path: "r.csv", line: 2, column: "p84", value: "two"))
        assertError(header + "\n0,0,1,,0", .halfInterval(path: "r.csv", line: 2, given: "p16", missing: "p84"))
        assertError(header + ",mu_hat\n0,0,,,0,1.2", .valueWithoutInterval(path: "r.csv", line: 2, column: "mu_hat"))
        assertError(header + "\n0,0,1,2,-1", .badRuntime(path: "r.csv", line: 2, value: "-1"))
        assertError(header + "\n0,0,1,2,nan", .badRuntime(path: "r.csv", line: 2, value: "nan"))
        assertError(header + "\n0,0,1,2,0\n0,1,1,2,0\n0,0,1,2,0",
                    .duplicateKey(path: "r.csv", line: 4, firstLine: 2, set: 0, index: 0))
        assertError(header + "\n0,0,\"1,2,0", .syntax(path: "r.csv", line: 2, message: "a quoted field is never closed"))
    }

    func testMessagesSayWhatToDo() {
        let message = ResultsCSVError.halfInterval(path: "r.csv", line: 9, given: "p16", missing: "p84").description
        XCTAssertEqual(message, "r.csv, line 9: p16 is given but p84 is empty: give both ends of the interval, or neither.")
    }
}
