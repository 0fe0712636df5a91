import Foundation
import GRDB
import Scoring
import TestSupport
import XCTest

/// `bench store` end to end: imports that are killed and resumed, imports running at the same
/// time, and bad input that writes nothing.
final class StoreCommandTests: XCTestCase {
    private func importArguments(_ f: LeaderboardFixture, csv: URL, submission: String) -> [String] {
        ["store", "import-results", csv.path, "--database", f.path, "--submission", submission,
         "--code-hash", "code-\(submission)", "--set-manifest", LeaderboardFixture.manifest, "--seed", "estimator=5"]
    }

    private func writeCSV(_ f: LeaderboardFixture, _ outcomes: [PseudoExperimentOutcome], _ name: String) throws -> URL {
        let url = f.directory.appendingPathComponent(name)
        try LeaderboardFixture.csv(outcomes).write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testImportRecordsScoresAndIsIdempotent() throws {
        let f = try LeaderboardFixture("import")
        defer { f.remove() }
        var outcomes = f.outcomes { _ in 0.3 }
        outcomes[4].estimate?.interval68.lower = .nan
        outcomes[5].estimate?.muHat = -.infinity
        outcomes[6] = PseudoExperimentOutcome(key: outcomes[6].key, estimate: nil, failure: "timeout, after 30 s",
                                              runtimeSeconds: 30)
        let csv = try writeCSV(f, outcomes, "alpha.csv")
        var out = try BenchProcess.run(importArguments(f, csv: csv, submission: "alpha"))
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("100 results recorded, 0 already there; the run is completed and scored"),
                      out.stdout)
        let run = try XCTUnwrap(f.store.latestCompletedRuns().first)
        XCTAssertEqual(run.seeds, ["estimator": 5])
        XCTAssertEqual(try f.store.outcomes(of: run.id), outcomes)
        XCTAssertNotNil(try f.store.scorecard(for: run.id))

        // The same import again starts a new run (the first is completed) with the same results.
        out = try BenchProcess.run(importArguments(f, csv: csv, submission: "alpha"))
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(try f.store.contents().runs[.completed], 2)
    }

    func testBadCSVWritesNothing() throws {
        let f = try LeaderboardFixture("import-bad")
        defer { f.remove() }
        let good = LeaderboardFixture.csv(f.outcomes { _ in 0.3 })
        var lines = good.components(separatedBy: "\r\n")
        lines[57] = "2,7,0.5,zero,1.0,0.02,"
        let bad = f.directory.appendingPathComponent("bad.csv")
        try lines.joined(separator: "\r\n").write(to: bad, atomically: true, encoding: .utf8)
        var out = try BenchProcess.run(importArguments(f, csv: bad, submission: "alpha"))
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("\(bad.path), line 58, column p84: 'zero' is not a number"), out.stderr)

        lines = good.components(separatedBy: "\r\n")
        lines[3] = "9,0,0.5,0.9,0.7,0.02,"   // set 9 is not in the manifest
        try lines.joined(separator: "\r\n").write(to: bad, atomically: true, encoding: .utf8)
        out = try BenchProcess.run(importArguments(f, csv: bad, submission: "alpha"))
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("1 of the results (e.g. set 9, pseudo-experiment 0) are not"), out.stderr)

        let contents = try f.store.contents()
        XCTAssertEqual(contents.runs, [:])
        XCTAssertEqual(contents.results, 0)
        XCTAssertEqual(contents.submissions, 0)
    }

    func testPartialImportsCompleteTheSameRunAndConflictsAreRefused() throws {
        let f = try LeaderboardFixture("import-partial")
        defer { f.remove() }
        let outcomes = f.outcomes { _ in 0.3 }
        let first = try writeCSV(f, Array(outcomes.prefix(40)), "first.csv")
        var out = try BenchProcess.run(importArguments(f, csv: first, submission: "alpha"))
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("60 pseudo-experiments still have no result"), out.stdout)

        var changed = Array(outcomes.prefix(50))
        changed[10].runtimeSeconds = 99
        let clash = try writeCSV(f, changed, "clash.csv")
        out = try BenchProcess.run(importArguments(f, csv: clash, submission: "alpha"))
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("already holds a different result for \(changed[10].key)"), out.stderr)
        XCTAssertEqual(try f.store.contents().results, 40, "nothing of the refused import was written")

        let all = try writeCSV(f, outcomes, "all.csv")
        out = try BenchProcess.run(importArguments(f, csv: all, submission: "alpha"))
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("(resumed)"), out.stdout)
        XCTAssertTrue(out.stdout.contains("60 results recorded, 40 already there; the run is completed"), out.stdout)
    }

    /// A real `bench` process killed with SIGKILL in the middle of an import loses nothing that
    /// it committed, leaves a sound file, and the same command finishes the run.
    func testImportKilledMidwayResumesWithoutLossOrDuplicates() throws {
        let f = try LeaderboardFixture("import-kill", sets: 8, perSet: 250)
        defer { f.remove() }
        let outcomes = f.outcomes { k in 0.2 + 0.001 * Double(k % 50) }
        let csv = try writeCSV(f, outcomes, "big.csv")

        let process = Process()
        process.executableURL = BenchProcess.executable
        process.arguments = importArguments(f, csv: csv, submission: "alpha")
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = try LeaderboardStore(path: f.path, access: .readOnly)
        let deadline = Date().addingTimeInterval(120)
        var seen = 0
        while seen < 100, Date() < deadline, process.isRunning {
            Thread.sleep(forTimeInterval: 0.01)
            seen = try reader.contents().results
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the import finished before it was killed")

        let afterKill = try reader.contents()
        XCTAssertGreaterThanOrEqual(afterKill.results, 100)
        XCTAssertLessThan(afterKill.results, outcomes.count)
        XCTAssertEqual(afterKill.runs, [.running: 1])
        XCTAssertEqual(try reader.integrityProblems(), [])
        let run = try XCTUnwrap(afterKill.unfinishedRuns.first).id
        let committed = try reader.outcomes(of: run)
        XCTAssertEqual(committed, Array(outcomes.prefix(committed.count)), "committed results are exact")

        let out = try BenchProcess.run(importArguments(f, csv: csv, submission: "alpha"))
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("Run \(run) (resumed)"), out.stdout)
        XCTAssertTrue(out.stdout.contains("\(outcomes.count - committed.count) results recorded, "
                                          + "\(committed.count) already there"), out.stdout)
        XCTAssertEqual(try reader.outcomes(of: run), outcomes)
        XCTAssertEqual(try reader.runManifest(run).status, .completed)
        XCTAssertEqual(try reader.runManifest(run).resumptions, 1)
        XCTAssertEqual(try reader.integrityProblems(), [])
    }

    /// Two `bench` processes importing into the same file at the same time.
    func testTwoProcessesImportingAtOnce() throws {
        let f = try LeaderboardFixture("import-two", sets: 4, perSet: 150)
        defer { f.remove() }
        let a = f.outcomes { _ in 0.3 }, b = f.outcomes { _ in 0.4 }
        let csvA = try writeCSV(f, a, "a.csv"), csvB = try writeCSV(f, b, "b.csv")
        let outputs = OutputBox()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let args = importArguments(f, csv: i == 0 ? csvA : csvB, submission: i == 0 ? "alpha" : "beta")
            outputs.set(i, Result { try BenchProcess.run(args) })
        }
        for i in 0..<2 {
            let out = try outputs.get(i).get()
            XCTAssertEqual(out.status, 0, out.stderr)
        }
        let runs = try f.store.latestCompletedRuns()
        XCTAssertEqual(runs.map(\.submission.name), ["alpha", "beta"])
        XCTAssertEqual(try f.store.outcomes(of: runs[0].id), a)
        XCTAssertEqual(try f.store.outcomes(of: runs[1].id), b)
        XCTAssertEqual(try f.store.contents().results, 1200)
        XCTAssertEqual(try f.store.integrityProblems(), [])
    }

    /// Another process holding the write lock: the import waits --busy-timeout, then says so.
    func testLockedDatabaseIsReportedAndNothingIsWritten() throws {
        let f = try LeaderboardFixture("import-locked")
        defer { f.remove() }
        let csv = try writeCSV(f, f.outcomes { _ in 0.3 }, "alpha.csv")
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: f.path, configuration: config)
        try holder.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let started = Date()
        let out = try BenchProcess.run(importArguments(f, csv: csv, submission: "alpha") + ["--busy-timeout", "0.5"])
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.5)
        try holder.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("The leaderboard database \(f.path) stayed locked by another process for "
                                          + "0.50 s. Wait for the other run to finish"), out.stderr)
        XCTAssertEqual(try f.store.contents().results, 0)
        XCTAssertEqual(try f.store.contents().runs, [:])
    }

    func testCheckReportsContentsAndUnfinishedRuns() throws {
        let f = try LeaderboardFixture("check")
        defer { f.remove() }
        let run = try f.store.beginRun(submission: Submission(name: "alpha", codeHash: "c"),
                                       setManifestHash: LeaderboardFixture.manifest)
        try f.store.record(f.outcomes { _ in 0.3 }[0], in: run.id)
        var out = try BenchProcess.run(["store", "check", "--database", f.path])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("set manifests: 1 (100 pseudo-experiments)"), out.stdout)
        XCTAssertTrue(out.stdout.contains("runs:          1 running, 0 interrupted, 0 completed, 0 failed"), out.stdout)
        XCTAssertTrue(out.stdout.contains("unfinished:    run \(run.id) alpha"), out.stdout)
        XCTAssertTrue(out.stdout.contains("integrity:     ok"), out.stdout)

        out = try BenchProcess.run(["store", "fail-run", "\(run.id)", "--database", f.path])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(try f.store.runManifest(run.id).status, .failed)
        out = try BenchProcess.run(["store", "fail-run", "\(run.id)", "--database", f.path])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("is failed; results can only be added to a running run"), out.stderr)
    }
}

private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: Result<BenchProcess.Output, Error>] = [:]
    func set(_ i: Int, _ r: Result<BenchProcess.Output, Error>) { lock.withLock { results[i] = r } }
    func get(_ i: Int) -> Result<BenchProcess.Output, Error> { lock.withLock { results[i]! } }
}
