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

    /// The command line of the runner tests' parity plugin in `mode` (see its file).
    static func parityPlugin(_ mode: String) -> String {
        let root = ReferenceData.packageRoot
        return "PYTHONPATH=\(root.appendingPathComponent("clients/python").path) python3 "
            + "\(root.appendingPathComponent("Tests/EvaluationTests/Fixtures/parity_plugin.py").path) \(mode)"
    }

    func testFailingPluginIsRecordedWithReasonsAndListedWithItsFailures() throws {
        let directory = try ReferenceData.temporaryDirectory("evaluate-failing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try Self.generateSets(in: directory, sets: 2, perSet: 4)
        let database = directory.appendingPathComponent("lb.sqlite").path
        let pool = ReferenceData.sample("input_rows.csv").path
        func evaluate(_ mode: String) throws -> BenchProcess.Output {
            try BenchProcess.run(["evaluate", "--sets", sets.path, "--command", Self.parityPlugin(mode),
                                  "--name", "parity-\(mode)", "--pool", pool, "--training-pool", pool,
                                  "--database", database, "--no-progress"])
        }
        let good = try evaluate("good")
        XCTAssertEqual(good.status, 0, good.stderr)
        let bad = try evaluate("error")
        XCTAssertEqual(bad.status, 0, "failures of the estimator are results, not errors: \(bad.stderr)")
        XCTAssertTrue(bad.stdout.contains("parity-error: run 2, 8 of 8 results (8 now)"), bad.stdout)

        let store = try LeaderboardStore(path: database, access: .readOnly)
        let runs = try store.latestCompletedRuns()
        XCTAssertEqual(runs.map(\.submission.name), ["parity-error", "parity-good"])
        let failed = try store.outcomes(of: runs[0].id).filter { $0.failure != nil }
        XCTAssertFalse(failed.isEmpty)
        XCTAssertTrue(failed.allSatisfy { $0.failure?.contains("cannot handle") ?? false }, "\(failed)")
        XCTAssertTrue(try store.outcomes(of: runs[1].id).allSatisfy { $0.failure == nil }, "the other run is intact")

        let board = try BenchProcess.run(["leaderboard", "--database", database, "--format", "csv"])
        XCTAssertEqual(board.status, 0, board.stderr)
        let records = try CSVText.records(board.stdout)
        let header = records[0].fields
        let row = try XCTUnwrap(records.first { $0.fields.contains("parity-error") }).fields
        XCTAssertEqual(row[try XCTUnwrap(header.firstIndex(of: "failures"))], "\(failed.count)")
        XCTAssertEqual(row[try XCTUnwrap(header.firstIndex(of: "kind"))], "entry")
    }

    /// The shipped example submissions scored through the command line, as a user runs them:
    /// the Python estimator by `--command` and the Swift template by `--plugin` (when built; CI
    /// builds it and sets FAIR_UQ_REQUIRE_TEMPLATE).
    func testExampleSubmissionsAreScoredThroughTheCommandLine() throws {
        let directory = try ReferenceData.temporaryDirectory("evaluate-examples")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try Self.generateSets(in: directory, sets: 2, perSet: 3)
        let database = directory.appendingPathComponent("lb.sqlite").path
        let pool = ReferenceData.sample("input_rows.csv").path
        let root = ReferenceData.packageRoot
        var submissions: [(name: String, arguments: [String])] = [
            ("python-example", ["--command", "PYTHONPATH=\(root.appendingPathComponent("clients/python").path) python3 "
                                + root.appendingPathComponent("examples/python-estimator/estimator.py").path]),
        ]
        let template = root.appendingPathComponent("templates/swift-estimator/.build/release/estimator").path
        if FileManager.default.isExecutableFile(atPath: template) {
            submissions.append(("swift-template", ["--plugin", template]))
        } else if ProcessInfo.processInfo.environment["FAIR_UQ_REQUIRE_TEMPLATE"] != nil {
            XCTFail("FAIR_UQ_REQUIRE_TEMPLATE is set but \(template) is missing")
        }
        for submission in submissions {
            let run = try BenchProcess.run(["evaluate", "--sets", sets.path] + submission.arguments
                                           + ["--name", submission.name, "--pool", pool, "--training-pool", pool,
                                              "--database", database, "--no-progress"])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stdout.contains("\(submission.name): run "), run.stdout)
        }
        try Self.assertListedWithoutFailures(submissions.map(\.name), database: database)
    }

    /// `bench leaderboard` lists each of `names`, scored (a coverage), with no failures.
    static func assertListedWithoutFailures(_ names: [String], database: String,
                                            file: StaticString = #filePath, line: UInt = #line) throws {
        let board = try BenchProcess.run(["leaderboard", "--database", database, "--format", "csv"])
        XCTAssertEqual(board.status, 0, board.stderr, file: file, line: line)
        let records = try CSVText.records(board.stdout)
        let header = records[0].fields
        let nameColumn = try XCTUnwrap(header.firstIndex(of: "submission"))
        let failures = try XCTUnwrap(header.firstIndex(of: "failures"))
        let coverage = try XCTUnwrap(header.firstIndex(of: "coverage"))
        for name in names {
            let row = try XCTUnwrap(records.first { $0.fields[nameColumn] == name }, board.stdout, file: file, line: line).fields
            XCTAssertEqual(row[failures], "0", "\(name): \(row)", file: file, line: line)
            XCTAssertNotNil(Double(row[coverage]), "\(name) is scored: \(row)", file: file, line: line)
        }
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

    func testMemoryLimitsAreParsedCheckedAndReachThePlugin() throws {
        let directory = try ReferenceData.temporaryDirectory("evaluate-memory")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("lb.sqlite").path
        let sets = try Self.generateSets(in: directory, sets: 1, perSet: 2)
        let pool = ReferenceData.sample("input_rows.csv").path
        for (option, value, expected) in [("--memory-limit", "4 gigs", "--memory-limit takes a size such as 4GiB, 512MiB or 1.5GB, or none for no limit; got '4 gigs'."),
                                          ("--address-space-limit", "0.5XB", "--address-space-limit takes a size such as 4GiB"),
                                          ("--memory-limit", "1MiB", "--memory-limit 1MiB is too small: a plugin needs at least 16 MiB")] {
            let out = try BenchProcess.run(["evaluate", "--sets", sets.path, "--estimator", "x", option, value,
                                            "--database", database])
            XCTAssertNotEqual(out.status, 0)
            XCTAssertTrue(out.stderr.contains(expected), out.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: database), "nothing was written")

        // A plugin that writes 600 MiB at start under --memory-limit 256MiB: every pseudo-experiment fails saying so.
        let hog = "python3 -c \"b = bytearray(b'x') * (600 << 20); import time; time.sleep(30)\""
        let out = try BenchProcess.run(["evaluate", "--sets", sets.path, "--command", hog, "--name", "hog",
                                        "--memory-limit", "256MiB", "--address-space-limit", "none",
                                        "--pool", pool, "--training-pool", pool, "--database", database, "--no-progress"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let store = try LeaderboardStore(path: database, access: .readOnly)
        let run = try XCTUnwrap(try store.latestCompletedRuns().first)
        let failures = try store.outcomes(of: run.id).map(\.failure)
        XCTAssertEqual(failures.count, 2)
        XCTAssertTrue(failures.allSatisfy { $0?.contains("over the limit of 256 MiB (PluginLimits.memoryBytes / --memory-limit)") == true },
                      "\(failures)")
    }
}

/// `bench evaluate` as a real process that is interrupted (SIGINT) or killed (SIGKILL) midway
/// and run again: nothing recorded is lost or duplicated, and the run completes.
final class EvaluateResumptionTests: XCTestCase {
    /// A `bench` process running in the background, its output in files (no pipe can fill up).
    struct Background {
        let process: Process
        let stdout: URL
        let stderr: URL

        init(_ args: [String], in directory: URL, label: String) throws {
            stdout = directory.appendingPathComponent("\(label).out")
            stderr = directory.appendingPathComponent("\(label).err")
            try Data().write(to: stdout)
            try Data().write(to: stderr)
            process = Process()
            process.executableURL = BenchProcess.executable
            process.arguments = args
            process.standardOutput = try FileHandle(forWritingTo: stdout)
            process.standardError = try FileHandle(forWritingTo: stderr)
            try process.run()
        }

        var output: (stdout: String, stderr: String) {
            (String(decoding: (try? Data(contentsOf: stdout)) ?? Data(), as: UTF8.self),
             String(decoding: (try? Data(contentsOf: stderr)) ?? Data(), as: UTF8.self))
        }
    }

    /// The number of results the database holds, 0 while it does not exist yet.
    private func results(in database: String) -> Int {
        guard FileManager.default.fileExists(atPath: database),
              let store = try? LeaderboardStore(path: database, access: .readOnly) else { return 0 }
        return (try? store.contents().results) ?? 0
    }

    /// Waits until the database holds at least `count` results while the process runs.
    private func waitForResults(_ count: Int, in database: String, while running: Background) -> Int {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, running.process.isRunning {
            let n = results(in: database)
            if n >= count { return n }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return results(in: database)
    }

    private func interruptAndResume(signal: Int32, label: String) throws {
        let directory = try ReferenceData.temporaryDirectory("evaluate-\(label)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sets = try EvaluateCommandTests.generateSets(in: directory, sets: 4, perSet: 10)
        let database = directory.appendingPathComponent("lb.sqlite").path
        let arguments = ["evaluate", "--sets", sets.path, "--command", EvaluateCommandTests.parityPlugin("good"),
                         "--name", "parity",
                         "--pool", ReferenceData.sample("input_rows.csv").path,
                         "--training-pool", ReferenceData.sample("input_rows.csv").path,
                         "--jobs", "1", "--database", database]

        let first = try Background(arguments, in: directory, label: "first")
        let seen = waitForResults(3, in: database, while: first)
        XCTAssertTrue(first.process.isRunning, "the evaluation ended before it could be interrupted: \(first.output)")
        XCTAssertGreaterThanOrEqual(seen, 3)
        kill(first.process.processIdentifier, signal)
        first.process.waitUntilExit()
        let store = try LeaderboardStore(path: database, access: .readOnly)
        let run = try XCTUnwrap(store.contents().unfinishedRuns.first, "\(first.output)")
        let kept = try store.completedPseudoExperiments(run.id)
        XCTAssertGreaterThanOrEqual(kept.count, seen, "every result recorded before the signal is kept")
        XCTAssertLessThan(kept.count, 40)
        if signal == SIGINT {
            XCTAssertEqual(first.process.terminationStatus, 130, first.output.stderr)
            XCTAssertEqual(run.status, .interrupted)
            XCTAssertTrue(first.output.stderr.contains("Interrupted: finishing the pseudo-experiments in progress"),
                          first.output.stderr)
            XCTAssertTrue(first.output.stdout.contains("Run the same command again to resume."), first.output.stdout)
        } else {
            XCTAssertEqual(first.process.terminationReason, .uncaughtSignal)
            XCTAssertEqual(run.status, .running, "a killed run stays running, which resumes as well")
        }
        let before = try store.outcomes(of: run.id)

        let second = try BenchProcess.run(arguments)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("parity: run \(run.id) (resumed), 40 of 40 results ("
                                             + "\(40 - kept.count) now, \(kept.count) before)"), second.stdout)
        XCTAssertTrue(second.stdout.contains("challenge fair-universe-2024-mini"), second.stdout)
        let manifest = try store.runManifest(run.id)
        XCTAssertEqual(manifest.status, .completed)
        XCTAssertEqual(manifest.resumptions, 1)
        let after = try store.outcomes(of: run.id)
        XCTAssertEqual(after.count, 40)
        XCTAssertEqual(Set(after.map(\.key)).count, 40, "no pseudo-experiment twice")
        XCTAssertEqual(Array(after.filter { kept.contains($0.key) }), before, "the earlier results are untouched")
        XCTAssertEqual(try store.contents().runs, [.completed: 1])
        XCTAssertNotNil(try store.scorecard(for: run.id))
    }

    func testSIGINTKeepsEveryResultAndTheRunResumes() throws {
        try interruptAndResume(signal: SIGINT, label: "sigint")
    }

    func testSIGKILLLosesNothingRecordedAndTheRunResumes() throws {
        try interruptAndResume(signal: SIGKILL, label: "sigkill")
    }
}
