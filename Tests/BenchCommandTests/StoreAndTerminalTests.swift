import Foundation
import GRDB
import Scoring
import TestSupport
import XCTest

/// What a probe of the store and the terminal found (issue 12, item 5), as attacks that fail on
/// the harness before the fix: a damaged stored scorecard, plugin text that drives the
/// terminal, two evaluations of one submission at once, and a huge bad input echoed whole.
final class StoreAndTerminalTests: XCTestCase {
    private var directory: URL!
    private var sets: URL!
    private var database: String!
    private let pool = ReferenceData.sample("input_rows.csv").path

    override func setUpWithError() throws {
        directory = try ReferenceData.temporaryDirectory("store-terminal")
        sets = try EvaluateCommandTests.generateSets(in: directory, sets: 2, perSet: 4)
        database = directory.appendingPathComponent("lb.sqlite").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func evaluate(_ mode: String, name: String? = nil, sets: URL? = nil) throws -> BenchProcess.Output {
        try BenchProcess.run(["evaluate", "--sets", (sets ?? self.sets).path,
                              "--command", EvaluateCommandTests.parityPlugin(mode),
                              "--name", name ?? "parity-\(mode)", "--pool", pool, "--training-pool", pool,
                              "--database", database, "--no-progress"])
    }

    private func count(_ sql: String) throws -> Int {
        try DatabaseQueue(path: database).read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    // MARK: - A stored scorecard that does not decode

    func testDamagedScorecardIsRefusedBeforeAnyWriteReportedAndRescored() throws {
        let first = try evaluate("good")
        XCTAssertEqual(first.status, 0, first.stderr)
        try DatabaseQueue(path: database).write { db in
            try db.execute(sql: "UPDATE score SET scorecard = '{\"overall\": {\"score\": tru'")
        }
        let runsBefore = try count("SELECT COUNT(*) FROM run")

        let refused = try evaluate("error")
        XCTAssertNotEqual(refused.status, 0, "a store that cannot read its scorecards back is refused")
        XCTAssertTrue(refused.stderr.contains("bench store rescore --database \(database!) 1"), refused.stderr)
        XCTAssertEqual(try count("SELECT COUNT(*) FROM run"), runsBefore, "nothing was written")
        XCTAssertEqual(try count("SELECT COUNT(*) FROM submission WHERE name = 'parity-error'"), 0)

        let check = try BenchProcess.run(["store", "check", "--database", database])
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("stored values: 1 do not read back"), check.stdout)
        XCTAssertTrue(check.stdout.contains("run 1"), check.stdout)

        let rescore = try BenchProcess.run(["store", "rescore", "--database", database, "1"])
        XCTAssertEqual(rescore.status, 0, rescore.stderr)
        let healthy = try BenchProcess.run(["store", "check", "--database", database])
        XCTAssertEqual(healthy.status, 0, healthy.stdout + healthy.stderr)
        XCTAssertTrue(healthy.stdout.contains("stored values: ok"), healthy.stdout)
        let board = try BenchProcess.run(["leaderboard", "--database", database, "--format", "csv"])
        XCTAssertEqual(board.status, 0, board.stderr)
        XCTAssertTrue(board.stdout.contains("parity-good"), board.stdout)
        let after = try evaluate("error")
        XCTAssertEqual(after.status, 0, after.stderr)
    }

    // MARK: - Plugin text on the terminal

    /// Every byte a terminal could act on, found without the harness's own escaping code: C0
    /// controls but LF, DEL, C1 controls (UTF-8 C2 80...C2 9F), U+2028/2029, the bidi overrides
    /// and isolates (E2 80 AA...AE, E2 81 A6...A9), U+200E/200F (E2 80 8E/8F), U+061C (D8 9C).
    static func terminalControls(in text: String) -> [String] {
        let b = Array(text.utf8)
        var found: [String] = []
        var i = 0
        while i < b.count {
            let x = b[i]
            if (x < 0x20 && x != 0x0A) || x == 0x7F { found.append(String(format: "%02X at %d", x, i)) }
            if x == 0xC2, i + 1 < b.count, (0x80...0x9F).contains(b[i + 1]) { found.append("C1 at \(i)") }
            if x == 0xD8, i + 1 < b.count, b[i + 1] == 0x9C { found.append("U+061C at \(i)") }
            if x == 0xE2, i + 2 < b.count {
                let (y, z) = (b[i + 1], b[i + 2])
                if y == 0x80 && ([0x8E, 0x8F, 0xA8, 0xA9] + Array(0xAA...0xAE)).contains(z) { found.append("E2 80 \(z) at \(i)") }
                if y == 0x81 && (0xA6...0xA9).contains(z) { found.append("E2 81 \(z) at \(i)") }
            }
            i += 1
        }
        return found
    }

    func testControlCharactersFromAPluginNeverReachTheTerminalRaw() throws {
        let run = try evaluate("hostile")
        XCTAssertEqual(run.status, 0, "a failed fit is a result: \(run.stderr)")
        let stored = try DatabaseQueue(path: database).read {
            try String.fetchOne($0, sql: "SELECT error FROM result LIMIT 1") ?? ""
        }
        XCTAssertTrue(stored.contains("\u{1B}[2J"), "the database keeps the plugin's text as it was: \(stored)")

        let outputs: [(String, BenchProcess.Output)] = [
            ("evaluate", run),
            ("leaderboard", try BenchProcess.run(["leaderboard", "--database", database])),
            ("leaderboard json", try BenchProcess.run(["leaderboard", "--database", database, "--format", "json"])),
            ("store check", try BenchProcess.run(["store", "check", "--database", database])),
        ]
        for (command, output) in outputs {
            XCTAssertEqual(Self.terminalControls(in: output.stdout), [], "\(command) stdout: \(output.stdout)")
            XCTAssertEqual(Self.terminalControls(in: output.stderr), [], "\(command) stderr: \(output.stderr)")
        }
        let lines = (run.stdout + run.stderr).split(separator: "\n")
        XCTAssertFalse(lines.contains { $0.hasPrefix("  score 0.9999") }, "a line feed in the message forged a line: \(lines)")
        XCTAssertTrue((run.stdout + run.stderr).contains("\\u001B[2J"),
                      "the message is shown, escaped: \(run.stdout)\(run.stderr)")
        let json = try XCTUnwrap(outputs.first { $0.0 == "leaderboard json" }?.1.stdout)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)), "escaped JSON is still JSON: \(json)")
    }

    // MARK: - Huge bad input

    /// The runner already capped a failure's text before issue 12; this keeps it so, now that
    /// the plugin's own message is also bounded where the error is described.
    func testAHugePluginMessageIsRecordedAndPrintedBounded() throws {
        let run = try evaluate("verbose")
        XCTAssertEqual(run.status, 0, run.stderr)
        let longest = try DatabaseQueue(path: database).read {
            try Int.fetchOne($0, sql: "SELECT MAX(LENGTH(error)) FROM result") ?? -1
        }
        XCTAssertGreaterThan(longest, 0, "some estimates failed")
        XCTAssertLessThan(longest, 2000, "a 900 kB message is kept to its first few hundred bytes")
        XCTAssertLessThan(run.stdout.utf8.count + run.stderr.utf8.count, 20_000)
    }

    func testAHugeBadCellIsQuotedBounded() throws {
        let file = directory.appendingPathComponent("huge.csv")
        try ("mu_true,p16,p84\n1,0.5,1.5\n1," + String(repeating: "7e", count: 5_000_000) + ",1.5\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let out = try BenchProcess.run(["score", "--intervals", file.path])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("line 3"), out.stderr.prefix(600) + "")
        XCTAssertTrue(out.stderr.contains("more bytes"), out.stderr.prefix(600) + "")
        XCTAssertLessThan(out.stderr.utf8.count, 2000, "the 10 MB cell is not echoed whole")
    }

    // MARK: - Two evaluations of one submission at once

    func testTwoProcessesEvaluatingOneSubmissionShareTheRunAndRecordEachResultOnce() throws {
        let parent = directory.appendingPathComponent("many")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let many = try EvaluateCommandTests.generateSets(in: parent, sets: 4, perSet: 10)
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var outputs: [BenchProcess.Output] = [], failures: [String] = []
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let result = Result { try evaluate("slow", name: "parity-shared", sets: many) }
            results.lock.lock(); defer { results.lock.unlock() }
            switch result {
            case let .success(out): results.outputs.append(out)
            case let .failure(error): results.failures.append("\(error)")
            }
        }
        XCTAssertEqual(results.failures, [])
        XCTAssertEqual(results.outputs.count, 2)
        for out in results.outputs {
            XCTAssertEqual(out.status, 0, "both evaluations succeed: \(out.stdout)\n\(out.stderr)")
            XCTAssertTrue(out.stdout.contains("40 of 40 results"), out.stdout)
        }
        XCTAssertEqual(try count("SELECT COUNT(*) FROM run"), 1, "one run: the second process joined the first")
        XCTAssertEqual(try count("SELECT COUNT(*) FROM run WHERE status = 'completed'"), 1)
        XCTAssertEqual(try count("SELECT COUNT(*) FROM result"), 40, "every result exactly once")
        XCTAssertEqual(try count("SELECT COUNT(DISTINCT set_index * 1000 + pe_index) FROM result"), 40)
        XCTAssertEqual(try count("SELECT COUNT(*) FROM run_worker"), 0, "both processes left the run")
        XCTAssertEqual(try count("SELECT COUNT(*) FROM score"), 1)
        let store = try LeaderboardStore(path: database, access: .readOnly)
        XCTAssertEqual(try store.latestCompletedRuns().map(\.submission.name), ["parity-shared"])
    }
}
