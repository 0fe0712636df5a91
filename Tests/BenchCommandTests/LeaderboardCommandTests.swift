import Foundation
import Scoring
import TestSupport
import XCTest

/// `bench leaderboard` end to end, on a database populated through the store API.
final class LeaderboardCommandTests: XCTestCase {
    private var f: LeaderboardFixture!

    override func setUpWithError() throws {
        f = try LeaderboardFixture("leaderboard-cli")
        try f.complete("alpha") { _ in 0.30 }
        try f.complete("beta") { k in k % 2 == 0 ? 0.345 : 0.25 }
        try f.complete("gamma", kind: .baseline) { _ in 0.60 }
        try f.complete("oracle", kind: .reference) { _ in 0.05 }
        try f.complete("null", kind: .reference, failing: true) { _ in 0 }
    }

    override func tearDown() { f.remove() }

    private func leaderboard(_ extra: [String]) throws -> BenchProcess.Output {
        try BenchProcess.run(["leaderboard", "--database", f.path, "--replicates", "200"] + extra)
    }

    func testTableFormat() throws {
        let out = try leaderboard(["--format", "table"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let lines = out.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "OPEN challenge toy, set manifest sets-1: 100 pseudo-experiments, 5 submissions")
        XCTAssertTrue(lines[1].hasPrefix("Rank  Submission  Kind          Score  ± error  Coverage"), lines[1])
        let names = lines[3...7].map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }
        XCTAssertEqual(names, ["oracle", "beta", "alpha", "gamma", "null"])
        XCTAssertTrue(lines[4].hasSuffix("n.s."), "beta and alpha are a statistical tie: \(lines[4])")
        XCTAssertFalse(lines[5].hasSuffix("n.s."), "alpha beats gamma clearly: \(lines[5])")
        XCTAssertTrue(lines[7].contains("  100  "), "null fails all 100: \(lines[7])")
    }

    func testCoverageByTrueMu() throws {
        // Truths: mu 0.4 and 0.9 (first third of 0.1...3), 1.4 and 1.9 (second), 25 each;
        // alpha misses every third pseudo-experiment, null fails them all.
        let out = try leaderboard(["--coverage-by-mu", "3"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let lines = out.stdout.split(separator: "\n").map(String.init)
        guard let title = lines.firstIndex(where: { $0.hasPrefix("Coverage by true mu (toy, 100 pseudo-experiments)") }) else {
            return XCTFail(out.stdout)
        }
        XCTAssertTrue(lines[title].hasSuffix("* outside 0.6827 +- 3 sigma68 of its bin"), lines[title])
        XCTAssertEqual(lines[title + 1].split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "),
                       "Submission Overall mu 0.10-1.07 mu 1.07-2.03 mu 2.03-3.00")
        func cells(_ name: String) -> String? {
            lines[title...].first { $0.hasPrefix(name + " ") }.map {
                $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            }
        }
        XCTAssertEqual(cells("alpha"), "alpha 0.660 (100) 0.660 (50) 0.660 (50) - (0)")
        XCTAssertEqual(cells("null"), "null 0.000* (100) 0.000* (50) 0.000* (50) - (0)")

        let wrong = try leaderboard(["--coverage-by-mu", "3", "--format", "json"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("--format table"), wrong.stderr)
    }

    func testMarkdownFormat() throws {
        let out = try leaderboard(["--format", "markdown", "--challenge", "toy"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let rows = out.stdout.split(separator: "\n").filter { $0.hasPrefix("|") }
        XCTAssertEqual(rows.count, 7)
        XCTAssertEqual(rows[0], "| Rank | Submission | Kind | Score | ± error | Coverage | Cov 95% | Interval | Failures | Runtime (s) | vs next |")
        XCTAssertTrue(rows[2].hasPrefix("| - | oracle | reference |"), String(rows[2]))
        XCTAssertTrue(rows[3].hasPrefix("| 1 | beta | entry |"), String(rows[3]))
    }

    func testCSVFormat() throws {
        let out = try leaderboard(["--format", "csv"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.hasPrefix("rank,submission,kind,version,code_hash,challenge,set_manifest,run,score,"))
        XCTAssertTrue(out.stdout.hasSuffix("\r\n"))
        let records = try CSVText.records(out.stdout)
        XCTAssertEqual(records.count, 6)
        let header = records[0].fields
        let rows = records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.fields)) }
        XCTAssertEqual(rows.map { $0["submission"] }, ["oracle", "beta", "alpha", "gamma", "null"])
        XCTAssertEqual(rows.map { $0["rank"] }, ["", "1", "2", "3", ""])
        XCTAssertEqual(rows[4]["failures"], "100")
        XCTAssertEqual(rows[1]["significant_to_next"], "false")
        XCTAssertEqual(rows[2]["significant_to_next"], "true")
        XCTAssertEqual(Double(rows[2]["runtime_s"] ?? "") ?? .nan, 2, accuracy: 1e-9)
    }

    func testJSONFormat() throws {
        let out = try leaderboard(["--format", "json"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.count, 5)
        for object in array {
            for key in ["rank", "submission", "score", "score_error", "coverage", "interval", "failures", "runtime_s"] {
                XCTAssertNotNil(object[key], "missing \(key) in \(object)")
            }
        }
        XCTAssertEqual(array.map { $0["submission"] as? String }, ["oracle", "beta", "alpha", "gamma", "null"])
        XCTAssertTrue(array[0]["rank"] is NSNull)
        XCTAssertEqual(array[1]["rank"] as? Int, 1)
        XCTAssertEqual(array[2]["coverage"] as? Double, 0.66)
        XCTAssertEqual(array[2]["interval"] as? Double ?? 0, 0.6, accuracy: 1e-12)
        XCTAssertEqual(array[4]["failures"] as? Int, 100)
        XCTAssertTrue(array[3]["difference_to_next"] is NSNull, "the last rank has no next")
    }

    func testNaNIsWrittenAsNullInJSON() throws {
        // A run scored without bootstrap has no score error: NaN, which JSON cannot hold.
        let alpha = try XCTUnwrap(f.store.latestCompletedRuns().first { $0.submission.name == "alpha" }).id
        try f.store.scoreRun(alpha, bootstrap: nil)
        let out = try leaderboard(["--format", "json"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertFalse(out.stdout.lowercased().contains("nan"))
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
        let row = try XCTUnwrap(array.first { $0["submission"] as? String == "alpha" })
        XCTAssertTrue(row["score_error"] is NSNull, "\(row)")
    }

    func testBadDatabasesGiveClearErrors() throws {
        let missing = f.directory.appendingPathComponent("none.sqlite").path
        var out = try BenchProcess.run(["leaderboard", "--database", missing])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("No leaderboard database at \(missing)"), out.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "a reader must not create the file")

        let garbage = f.directory.appendingPathComponent("garbage.sqlite")
        try Data(repeating: 0x42, count: 4096).write(to: garbage)
        out = try BenchProcess.run(["leaderboard", "--database", garbage.path, "--format", "json"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertEqual(out.stdout, "")
        XCTAssertTrue(out.stderr.contains("is not a readable leaderboard database"), out.stderr)
        XCTAssertEqual(try Data(contentsOf: garbage), Data(repeating: 0x42, count: 4096))

        out = try leaderboard(["--challenge", "nope"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("No challenge named 'nope'"), out.stderr)
        XCTAssertTrue(out.stderr.contains("known: toy"), out.stderr)
    }

    func testDefaultDatabaseIsUnderTheWorkingDirectory() throws {
        let g = try LeaderboardFixture("default-path", file: "leaderboards/leaderboard.sqlite")
        defer { g.remove() }
        try g.complete("alpha") { _ in 0.3 }
        let out = try BenchProcess.run(["leaderboard", "--format", "csv", "--replicates", "50"], in: g.directory)
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(try CSVText.records(out.stdout).count, 2)
    }
}
