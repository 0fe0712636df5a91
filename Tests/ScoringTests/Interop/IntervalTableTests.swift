import XCTest
import PseudoExperiments
@testable import Scoring

final class IntervalTableTests: XCTestCase {
    func testEmptyNaNAndInfinityFieldsAreFailures() throws {
        let t = try IntervalTable.parse("mu_true,p16,p84\n1,0.5,1.5\n1,,1.5\n1,nan,1.5\n1,0.5,inf\n1,-Infinity,1\n1,2,0.5\r\n", path: "t.csv")
        let m = t.metrics()
        XCTAssertEqual(m.n, 6)
        XCTAssertEqual(m.failures, 4)
        XCTAssertEqual(m.swapped, 1)
        XCTAssertEqual(m.covered, 1)
        XCTAssertEqual(m.interval, (1 + 4 * 2.9 + 1.5) / 6, accuracy: 1e-12)
    }

    func testColumnsInAnyOrderWithExtraColumns() throws {
        let t = try IntervalTable.parse("p84,id,p16,mu_true\n1.5,a,0.5,1\n", path: "t.csv")
        XCTAssertEqual(t.rows, [IntervalTable.Row(line: 2, mu: 1, interval: ConfidenceInterval(lower: 0.5, upper: 1.5))])
    }

    func testBadInputNamesFileLineAndColumn() {
        let cases: [(String, InteropError)] = [
            ("", .emptyFile(path: "t.csv", expected: "a header mu_true,p16,p84 and one row per interval")),
            ("mu,p16,p84\n1,2,3\n", .missingColumn(path: "t.csv", column: "mu_true", header: ["mu", "p16", "p84"])),
            ("mu_true,p16,p84\n", .noRows(path: "t.csv")),
            ("mu_true,p16,p84\n1,0.5,1.5\n1,0.5\n", .wrongFieldCount(path: "t.csv", line: 3, expected: 3, found: 2)),
            ("mu_true,p16,p84\n1,0.5,x1\n", .badNumber(path: "t.csv", line: 2, column: "p84", value: "x1")),
            ("mu_true,p16,p84\n1,0x1p-1,1\n", .badNumber(path: "t.csv", line: 2, column: "p16", value: "0x1p-1")),
            ("mu_true,p16,p84\nnan,0.5,1.5\n", .badTruth(path: "t.csv", line: 2, value: "nan")),
            ("mu_true,p16,p84\n,0.5,1.5\n", .badTruth(path: "t.csv", line: 2, value: "")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try IntervalTable.parse(text, path: "t.csv"), text) {
                XCTAssertEqual($0 as? InteropError, expected)
            }
        }
    }
}
