import Foundation
import Scoring
import TestSupport
import XCTest

/// `bench evaluate` and `bench run` end to end: clear errors for bad input.
final class EvaluateCommandTests: XCTestCase {
    /// A set directory of the mini challenge drawn from the reference sample (`bench generate`).
    static func generateSets(in directory: URL, sets: Int = 2, perSet: Int = 3) throws -> URL {
        let output = directory.appendingPathComponent("sets")
        let run = try BenchProcess.run(["generate", "--challenge", "fair-universe-2024-mini",
                                        "--pool", ReferenceData.sample("input_rows.csv").path,
                                        "--sets", "\(sets)", "--per-set", "\(perSet)", "--seed", "5",
                                        "--output", output.path])
        guard run.status == 0 else { throw NSError(domain: "bench generate", code: Int(run.status),
                                                   userInfo: [NSLocalizedDescriptionKey: run.stderr]) }
        return output
    }

    func testUnknownEstimatorMissingSetsAndTrainingPoolAreClearErrors() throws {
        let directory = try ReferenceData.temporaryDirectory("evaluate-errors")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("lb.sqlite").path
        let sets = try Self.generateSets(in: directory)
        let pool = ReferenceData.sample("input_rows.csv").path

        var out = try BenchProcess.run(["evaluate", "--sets", sets.path, "--estimator", "no-such-estimator",
                                        "--pool", pool, "--database", database])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("There is no built-in estimator named 'no-such-estimator'"), out.stderr)

        out = try BenchProcess.run(["evaluate", "--sets", directory.appendingPathComponent("nowhere").path,
                                    "--estimator", "x", "--database", database])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("is not a set directory"), out.stderr)

        out = try BenchProcess.run(["evaluate", "--sets", sets.path, "--estimator", "x", "--time-limit", "0",
                                    "--database", database])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("time limit per pseudo-experiment must be a positive number"), out.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: database), "nothing was written")
    }
}
