import Foundation
import XCTest
import TestSupport
import PseudoExperiments
@testable import Scoring

final class ChallengeFilesTests: XCTestCase {
    /// Three sets of 20 with mu_hat, delta and a few bad estimates.
    func sampleResults() -> [ScoredResult] {
        var r = BootstrapTests.results(sets: 3, perSet: 20, halfWidth: 0.25, seed: 11)
        for i in r.indices { r[i].truth.nuisances = nil }
        r[3].estimate = nil                                                   // missing
        r[5].estimate?.interval68 = ConfidenceInterval(lower: .nan, upper: 1) // NaN end
        r[7].failure = "timeout"                                              // recorded failure
        r[9].estimate?.interval68 = ConfidenceInterval(lower: 2, upper: 1)    // swapped
        r[11].estimate?.muHat = nil                                           // interval only
        return r
    }

    func testWriteReadRoundTripScoresTheSame() throws {
        let dir = try ReferenceData.temporaryDirectory("interop")
        let results = sampleResults()
        try ChallengeFiles.writeResults(results, to: dir)
        try ChallengeFiles.writeTestSettings(for: results, to: dir)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(names, ["result_0.json", "result_1.json", "result_2.json", "test_settings.json"])

        let back = try ChallengeFiles.readResults(directory: dir, truth: dir.appendingPathComponent("test_settings.json"))
        XCTAssertEqual(back.count, results.count)
        let original = try Scorecard(results: results, bootstrap: nil)
        let reread = try Scorecard(results: back, bootstrap: nil)
        XCTAssertEqual(reread.overall, original.overall)
        XCTAssertEqual(reread.sets.map(\.metrics), original.sets.map(\.metrics))
        XCTAssertEqual(reread.point, original.point)
        XCTAssertEqual(reread.overall.failures, 3)
        XCTAssertEqual(reread.overall.swapped, 1)

        // scores.json in the challenge's layout, read back.
        let scoresURL = dir.appendingPathComponent("scores.json")
        try ChallengeFiles.writeScores(reread, to: scoresURL)
        let json = try JSONValue.parse(String(contentsOf: scoresURL, encoding: .utf8))
        guard case .object(let pairs) = json else { return XCTFail("scores.json is not an object") }
        XCTAssertEqual(pairs.map(\.0), ["rmse", "mae", "interval", "coverage", "quantiles_score", "ingestion_duration"])
        let scores = try ChallengeFiles.readScores(contentsOf: scoresURL)
        XCTAssertEqual(scores.quantilesScore, original.overall.score)
        XCTAssertEqual(scores.coverage, original.overall.coverage)
        XCTAssertEqual(scores.interval, original.overall.interval)
        XCTAssertEqual(scores.rmse, original.point.rmse)
        XCTAssertEqual(scores.mae, original.point.mae)
        XCTAssertNil(scores.ingestionDuration)
    }

    func testResultFileLayoutAndNullForBadNumbers() throws {
        let dir = try ReferenceData.temporaryDirectory("interop")
        let truth = PseudoExperimentTruth(setIndex: 0, index: 0, mu: 1)
        try ChallengeFiles.writeResults([
            ScoredResult(truth: truth, estimate: Estimate(interval68: ConfidenceInterval(lower: 0.5, upper: .infinity),
                                                          muHat: 1.25, uncertainty: 0.5)),
        ], to: dir)
        let text = try String(contentsOf: dir.appendingPathComponent("result_0.json"), encoding: .utf8)
        let json = try JSONValue.parse(text)
        XCTAssertEqual(json, .object([("mu_hats", .array([.number(1.25)])), ("delta_mu_hats", .array([.number(0.5)])),
                                      ("p16", .array([.number(0.5)])), ("p84", .array([.null]))]))
    }

    /// A file as the challenge's Python ingestion writes it (indent 4, NaN as a bare token).
    func testReadsPythonStyleFilesWithNaN() throws {
        let dir = try ReferenceData.temporaryDirectory("interop")
        try """
        {
            "mu_hats": [1.0, NaN, 2.0],
            "delta_mu_hats": [0.1, NaN, 0.2],
            "p16": [0.9, NaN, 1.8],
            "p84": [1.1, NaN, Infinity]
        }
        """.write(to: dir.appendingPathComponent("result_0.json"), atomically: true, encoding: .utf8)
        try #"{"systematics": {"tes": true, "jes": false}, "num_pseudo_experiments": 3, "num_of_sets": 1, "ground_truth_mus": [1.0]}"#
            .write(to: dir.appendingPathComponent("test_settings.json"), atomically: true, encoding: .utf8)
        let results = try ChallengeFiles.readResults(directory: dir, truth: dir.appendingPathComponent("test_settings.json"))
        let m = try Scorecard(results: results, bootstrap: nil).overall
        XCTAssertEqual(m.n, 3)
        XCTAssertEqual(m.failures, 2)
        XCTAssertEqual(m.covered, 1)
        XCTAssertEqual(m.interval, (0.2 + 2.9 + 2.9) / 3, accuracy: 1e-12)
    }

    // MARK: Bad input

    func write(_ text: String, _ name: String, in dir: URL) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func assertError(_ dir: URL, contains pieces: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ChallengeFiles.readResults(directory: dir, truth: dir.appendingPathComponent("test_settings.json")),
                             file: file, line: line) { error in
            XCTAssertTrue(error is InteropError, "\(error)", file: file, line: line)
            for piece in pieces {
                XCTAssertTrue("\(error)".contains(piece), "'\(error)' lacks '\(piece)'", file: file, line: line)
            }
        }
    }

    func testTruncatedResultFileNamesFileAndPlace() throws {
        let dir = try ReferenceData.temporaryDirectory("interop")
        try write(#"{"ground_truth_mus": [1.0]}"#, "test_settings.json", in: dir)
        try write("{\n    \"mu_hats\": [1.0,\n    2.0", "result_0.json", in: dir)
        assertError(dir, contains: ["result_0.json", "line 3", "truncated"])
    }

    func testMalformedValuesAndMissingKeys() throws {
        let dir = try ReferenceData.temporaryDirectory("interop")
        try write(#"{"ground_truth_mus": [1.0]}"#, "test_settings.json", in: dir)
        try write(#"{"mu_hats": [1], "delta_mu_hats": [1], "p16": ["a"], "p84": [1]}"#, "result_0.json", in: dir)
        assertError(dir, contains: ["result_0.json", "p16[0]", "a number or null", "a string"])
        try write(#"{"mu_hats": [1], "delta_mu_hats": [1], "p84": [1]}"#, "result_0.json", in: dir)
        assertError(dir, contains: ["result_0.json", "'p16'"])
        try write(#"{"mu_hats": [1], "delta_mu_hats": [1], "p16": [0.5, 0.6], "p84": [1, 2]}"#, "result_0.json", in: dir)
        assertError(dir, contains: ["result_0.json", "'mu_hats' has 1 entries but 'p16' has 2"])
        try write("", "result_0.json", in: dir)
        assertError(dir, contains: ["result_0.json", "is empty"])
    }

    func testMismatchedCountsBetweenTruthAndResults() throws {
        let dir = try ReferenceData.temporaryDirectory("interop")
        let one = #"{"mu_hats": [1, 1], "delta_mu_hats": [1, 1], "p16": [0.5, 0.5], "p84": [1.5, 1.5]}"#
        try write(one, "result_0.json", in: dir)
        try write(one, "result_1.json", in: dir)
        // Fewer true mus than result files.
        try write(#"{"ground_truth_mus": [1.0]}"#, "test_settings.json", in: dir)
        assertError(dir, contains: ["result_1.json", "1 ground_truth_mus"])
        // More true mus than result files.
        try write(#"{"ground_truth_mus": [1.0, 2.0, 3.0]}"#, "test_settings.json", in: dir)
        assertError(dir, contains: ["result_2.json is missing"])
        // A set with fewer pseudo-experiments than the settings say.
        try write(#"{"ground_truth_mus": [1.0, 2.0], "num_pseudo_experiments": 3}"#, "test_settings.json", in: dir)
        assertError(dir, contains: ["result_0.json holds 2 pseudo-experiments", "num_pseudo_experiments = 3"])
        // num_of_sets disagrees with the list.
        try write(#"{"ground_truth_mus": [1.0, 2.0], "num_of_sets": 3}"#, "test_settings.json", in: dir)
        assertError(dir, contains: ["num_of_sets = 3"])
        // A non-finite true mu.
        try write(#"{"ground_truth_mus": [1.0, null]}"#, "test_settings.json", in: dir)
        assertError(dir, contains: ["ground_truth_mus[1]"])
        // No result files at all.
        let empty = try ReferenceData.temporaryDirectory("interop")
        try write(#"{"ground_truth_mus": [1.0]}"#, "test_settings.json", in: empty)
        assertError(empty, contains: ["no result_<set>.json files"])
    }

    func testWritingNeedsPositionalIndicesAndOneMuPerSet() throws {
        let dir = try ReferenceData.temporaryDirectory("interop")
        var r = sampleResults()
        r.remove(at: 4)
        XCTAssertThrowsError(try ChallengeFiles.writeResults(r, to: dir)) {
            XCTAssertEqual($0 as? InteropError, .nonContiguousIndices(setIndex: 0, missing: 4))
        }
        var s = sampleResults()
        s[2].truth.mu += 1
        XCTAssertThrowsError(try ChallengeFiles.writeTestSettings(for: s, to: dir)) {
            XCTAssertEqual($0 as? InteropError, .notOneMuPerSet(setIndex: 0, first: s[0].truth.mu, other: s[2].truth.mu))
        }
    }
}
