import XCTest
import Foundation
import TestSupport

/// `bench benchmark` end to end (only the fast machine suite: the transform suite's figures need
/// a release build and are covered by PseudoExperimentsTests on a small pool).
final class BenchmarkCommandTests: XCTestCase {
    func testJSONIsOneFlatObjectOfNumbers() throws {
        let run = try BenchProcess.run(["benchmark", "--format", "json", "--suite", "machine"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["machine_cores", "machine_load_average_1min", "machine_release_build"])
        for (key, value) in object { XCTAssertTrue(value is NSNumber, "\(key) is not a number") }
        XCTAssertGreaterThanOrEqual((object["machine_cores"] as? NSNumber)?.intValue ?? 0, 1)
    }

    func testTableAndUnknownSuite() throws {
        let table = try BenchProcess.run(["benchmark", "--suite", "machine"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("machine_cores"), table.stdout)
        let bad = try BenchProcess.run(["benchmark", "--suite", "nope"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("no benchmark suite 'nope'"), bad.stderr)
    }
}
