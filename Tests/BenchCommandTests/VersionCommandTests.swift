import XCTest
import TestSupport
import PseudoExperiments

final class VersionCommandTests: XCTestCase {
    func testVersionPrintsHarnessVersion() throws {
        let out = try BenchProcess.run(["--version"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines), Harness.version)
    }
}
