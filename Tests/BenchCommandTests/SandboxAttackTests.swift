import Foundation
import GRDB
import PluginHost
import Scoring
import TestSupport
import XCTest

/// Adversary tests of the sandbox: a submission that looks for the truth on disk
/// (`Fixtures/adversaries/truth_hunt.py`) instead of measuring it, run through the real
/// `bench generate`, `bench evaluate` and `bench leaderboard` on one sealed set of the mini
/// challenge (so a single mu found anywhere is every pseudo-experiment's truth).
///
/// Each attack was written from the harness as it was (commit 1349016) and won there: a
/// 0.001-wide interval around the truth, coverage 1, rank 1. Now each either finds nothing
/// (its intervals are the whole prior, what an honest estimator that knows nothing says) or
/// its run is refused or recorded unranked. Secrets are planted where they would be in real
/// use: copies beside the database, in the plugin's folder, in the home directory, in the
/// pool cache under the harness's installation prefix.
///
/// Attacks that need a working sandbox are skipped where bubblewrap does not work, unless
/// FAIR_UQ_REQUIRE_SANDBOX is set (CI); the broken-`bwrap` attacks run everywhere.
final class SandboxAttackTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try ReferenceData.temporaryDirectory("sandbox-attack")
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func requireSandbox() throws {
        let status = SandboxStatus.detected
        guard !status.isConfined else { return }
        if ProcessInfo.processInfo.environment["FAIR_UQ_REQUIRE_SANDBOX"] != nil {
            XCTFail("FAIR_UQ_REQUIRE_SANDBOX is set but \(status)")
        }
        throw XCTSkip(SkipLog.record("\(status)"))
    }

    static let script = ReferenceData.packageRoot.appendingPathComponent("Tests/BenchCommandTests/Fixtures/adversaries/truth_hunt.py")
    static let client = ReferenceData.packageRoot.appendingPathComponent("clients/python").path
    static let pool = ReferenceData.sample("input_rows.csv").path

    /// `bench generate` of one sealed set of 3 pseudo-experiments into `parent/sets`; its truth
    /// file is `parent/sets.truth.json`.
    static func generate(in parent: URL) throws -> URL {
        let output = parent.appendingPathComponent("sets")
        let run = try BenchProcess.run(["generate", "--challenge", "fair-universe-2024-mini", "--pool", pool,
                                        "--sets", "1", "--per-set", "3", "--output", output.path])
        guard run.status == 0 else { throw NSError(domain: "bench generate", code: Int(run.status),
                                                   userInfo: [NSLocalizedDescriptionKey: run.stderr]) }
        return output
    }

    /// `bench evaluate` of `estimator` (`["--command", ...]` or `["--estimator", ...]`).
    static func evaluate(_ estimator: [String], name: String, sets: URL, database: URL, in cwd: URL? = nil,
                         environment: [String: String] = [:], extra: [String] = []) throws -> BenchProcess.Output {
        try BenchProcess.run(["evaluate", "--sets", sets.path] + estimator + ["--name", name, "--pool", pool,
                              "--training-pool", pool, "--database", database.path, "--no-progress"] + extra,
                             in: cwd, environment: environment)
    }

    /// The hunting plugin's command: `script` (default: the fixture) with its modes and paths.
    static func hunt(_ modes: String, _ paths: [String], script: String = SandboxAttackTests.script.path) -> String {
        "PYTHONPATH=\(client) python3 \(script) \(modes) " + paths.joined(separator: " ")
    }

    /// The widths of the 68% intervals of the latest completed run of `name`.
    static func widths(_ database: URL, _ name: String) throws -> [Double] {
        let store = try LeaderboardStore(path: database.path, access: .readOnly)
        let run = try XCTUnwrap(try store.latestCompletedRuns().first { $0.submission.name == name }, "no run of \(name)")
        return try store.outcomes(of: run.id).map {
            ($0.estimate?.interval68.upper ?? .nan) - ($0.estimate?.interval68.lower ?? .nan)
        }
    }

    static func flags(_ database: URL, _ name: String) throws -> [RunFlag] {
        let store = try LeaderboardStore(path: database.path, access: .readOnly)
        let run = try XCTUnwrap(try store.latestCompletedRuns().first { $0.submission.name == name }, "no run of \(name)")
        return try store.flags(of: run.id)
    }

    /// Asserts that the attacker's run found nothing: 3 results, each the whole prior.
    func assertFoundNothing(_ database: URL, _ run: BenchProcess.Output, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(run.status, 0, run.stderr, file: file, line: line)
        let widths = try Self.widths(database, "attacker")
        XCTAssertEqual(widths.count, 3, file: file, line: line)
        XCTAssertTrue(widths.allSatisfy { $0 > 2.8 }, "the attacker found a truth: widths \(widths)", file: file, line: line)
    }

    /// A copy of `database` made by SQLite's backup (what an organiser's backup script does).
    static func backup(_ database: URL, to copy: URL) throws {
        let source = try DatabaseQueue(path: database.path)
        let destination = try DatabaseQueue(path: copy.path)
        try source.backup(to: destination)
    }

    // MARK: - Files beside the database and in the plugin's folder

    /// The plugin lives in the organiser's working directory, beside the database, the sets and
    /// their truth file, and names `.`: there lie a copy of the truth file under another name
    /// and a backup of the database (which holds the truth table). Both are masked.
    func testTruthAndDatabaseCopiesBesideTheDatabaseAreHidden() throws {
        try requireSandbox()
        let sets = try Self.generate(in: directory)
        let database = directory.appendingPathComponent("lb.sqlite")
        XCTAssertEqual(try Self.evaluate(["--estimator", "counting"], name: "counting", sets: sets, database: database).status, 0)
        try FileManager.default.copyItem(at: directory.appendingPathComponent("sets.truth.json"),
                                         to: directory.appendingPathComponent("sets-2026-12-01.truth.json"))
        try Self.backup(database, to: directory.appendingPathComponent("lb-backup.sqlite"))
        try FileManager.default.copyItem(at: Self.script, to: directory.appendingPathComponent("truth_hunt.py"))

        for modes in ["truth", "sqlite"] {
            let run = try Self.evaluate(["--command", Self.hunt(modes, ["."], script: "./truth_hunt.py")], name: "attacker",
                                        sets: sets, database: database, in: directory,
                                        extra: ["--code-hash", modes])
            try assertFoundNothing(database, run)
        }
    }

    /// The plugin's own folder holds a truth file someone left there and a database copy under a
    /// name that does not say SQLite (`scores.bak`); the database in use is elsewhere. Both
    /// are masked (the database by its content).
    func testTruthAndDatabaseCopiesInThePluginsFolderAreHidden() throws {
        try requireSandbox()
        let sets = try Self.generate(in: directory)
        let database = directory.appendingPathComponent("db/lb.sqlite")
        try FileManager.default.createDirectory(at: database.deletingLastPathComponent(), withIntermediateDirectories: true)
        XCTAssertEqual(try Self.evaluate(["--estimator", "counting"], name: "counting", sets: sets, database: database).status, 0)
        let plugin = directory.appendingPathComponent("plugin")
        try FileManager.default.createDirectory(at: plugin.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.script, to: plugin.appendingPathComponent("truth_hunt.py"))
        try FileManager.default.copyItem(at: directory.appendingPathComponent("sets.truth.json"),
                                         to: plugin.appendingPathComponent("data/final.truth.json"))
        try Self.backup(database, to: plugin.appendingPathComponent("data/scores.bak"))

        for modes in ["truth", "sqlite"] {
            let run = try Self.evaluate(["--command", Self.hunt(modes, [plugin.path],
                                                                script: plugin.appendingPathComponent("truth_hunt.py").path)],
                                        name: "attacker", sets: sets, database: database, extra: ["--code-hash", modes])
            try assertFoundNothing(database, run)
        }
    }

    // MARK: - Home directory and pool cache

    /// `$HOME/bin` on PATH: its prefix is the home directory, where the organiser keeps a copy
    /// of the truths and the pool cache. The home directory is never mounted.
    func testHomeDirectoryIsNeverMounted() throws {
        try requireSandbox()
        let sets = try Self.generate(in: directory)
        let home = directory.appendingPathComponent("home")
        for dir in ["bin", "challenge", ".cache/fair-uq-bench"] {
            try FileManager.default.createDirectory(at: home.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(at: directory.appendingPathComponent("sets.truth.json"),
                                         to: home.appendingPathComponent("challenge/final.truth.json"))
        try Data("labelled events".utf8).write(to: home.appendingPathComponent(".cache/fair-uq-bench/simulated-v1-sealed0-h1.fuqpool"))
        let environment = ["HOME": home.path, "PATH": home.appendingPathComponent("bin").path + ":"
                           + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
        let database = directory.appendingPathComponent("lb.sqlite")
        for modes in ["truth", "pool"] {
            let run = try Self.evaluate(["--command", Self.hunt(modes, [home.path])], name: "attacker", sets: sets,
                                        database: database, environment: environment, extra: ["--code-hash", modes])
            try assertFoundNothing(database, run)
        }
    }

    /// The harness installed under a prefix (`PREFIX/bin` on PATH, mounted as the runtime) with
    /// its pool cache inside (`FAIR_UQ_CACHE=PREFIX/cache`): the cache is hidden. (A command
    /// line naming the cache itself is refused: a plugin path inside a hidden one.)
    func testPoolCacheIsHiddenInsideAMountedPrefix() throws {
        try requireSandbox()
        let sets = try Self.generate(in: directory)
        let prefix = directory.appendingPathComponent("opt/fair-uq")
        for dir in ["bin", "cache"] {
            try FileManager.default.createDirectory(at: prefix.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        try Data("labelled events".utf8).write(to: prefix.appendingPathComponent("cache/simulated-v1-sealed0-h1.fuqpool"))
        let environment = ["FAIR_UQ_CACHE": prefix.appendingPathComponent("cache").path,
                           "PATH": prefix.appendingPathComponent("bin").path + ":"
                               + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
        let database = directory.appendingPathComponent("lb.sqlite")
        let run = try Self.evaluate(["--command", Self.hunt("pool", [prefix.path])],
                                    name: "attacker", sets: sets, database: database, environment: environment)
        try assertFoundNothing(database, run)
    }

    // MARK: - A broken bwrap first on PATH

    /// A `bwrap` that exits 1, first on PATH.
    private func brokenBwrapEnvironment() throws -> [String: String] {
        let bin = directory.appendingPathComponent("fakebin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let bwrap = bin.appendingPathComponent("bwrap")
        try Data("#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n".utf8).write(to: bwrap)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bwrap.path)
        return ["PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// In automatic mode the plugin runs unconfined and reads the truth file at its default path
    /// (`DIR.truth.json`): it wins its intervals, but the run is printed, flagged `unsandboxed`
    /// and not ranked; the baseline keeps rank 1. With `--allow-unsandboxed` the run is flagged
    /// and ranked (the organiser vouched for the plugin).
    func testBrokenBwrapInAutomaticModeIsPrintedFlaggedAndNotRanked() throws {
        let sets = try Self.generate(in: directory)
        let database = directory.appendingPathComponent("lb.sqlite")
        let environment = try brokenBwrapEnvironment()
        XCTAssertEqual(try Self.evaluate(["--estimator", "counting"], name: "counting", sets: sets, database: database).status, 0)
        let truth = directory.appendingPathComponent("sets.truth.json").path
        let run = try Self.evaluate(["--command", Self.hunt("truth", [truth])], name: "attacker", sets: sets,
                                    database: database, environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        let warnings = run.stderr.split(separator: "\n").filter { $0.contains("sandbox: NONE") }
        XCTAssertEqual(warnings.count, 1, "one clear line on stderr: \(run.stderr)")
        XCTAssertTrue(warnings.first?.contains("not ranked") ?? false, run.stderr)
        XCTAssertEqual(try Self.flags(database, "attacker").map(\.kind), ["unsandboxed"])

        let board = try BenchProcess.run(["leaderboard", "--database", database.path])
        XCTAssertEqual(board.status, 0, board.stderr)
        let lines = board.stdout.split(separator: "\n").map(String.init)
        let attacker = try XCTUnwrap(lines.first { $0.contains("attacker") }, board.stdout)
        let counting = try XCTUnwrap(lines.first { $0.contains("counting ") && $0.contains("baseline") }, board.stdout)
        XCTAssertTrue(attacker.hasPrefix("   -"), "an unsandboxed run is not ranked:\n\(board.stdout)")
        XCTAssertTrue(counting.hasPrefix("   1"), board.stdout)
        XCTAssertFalse(attacker.contains("±") || counting.contains("±"), "no paired comparison with an unranked row:\n\(board.stdout)")
        XCTAssertTrue(board.stdout.contains("unsandboxed"), board.stdout)

        let trusted = try Self.evaluate(["--command", Self.hunt("truth", [truth])], name: "trusted", sets: sets,
                                        database: database, environment: environment, extra: ["--allow-unsandboxed"])
        XCTAssertEqual(trusted.status, 0, trusted.stderr)
        XCTAssertEqual(try Self.flags(database, "trusted").map(\.kind), ["unsandboxed-allowed"])
        let after = try BenchProcess.run(["leaderboard", "--database", database.path]).stdout
        let trustedLine = try XCTUnwrap(after.split(separator: "\n").first { $0.contains("trusted") }, after)
        XCTAssertTrue(trustedLine.hasPrefix("   1"), "an opted-out run is ranked:\n\(after)")
    }

    /// `--sandbox required` without a working sandbox exits non-zero before any run begins:
    /// no database is even created.
    func testBrokenBwrapInRequiredModeRefusesAndRecordsNothing() throws {
        let sets = try Self.generate(in: directory)
        let database = directory.appendingPathComponent("lb.sqlite")
        let truth = directory.appendingPathComponent("sets.truth.json").path
        let run = try Self.evaluate(["--command", Self.hunt("truth", [truth])], name: "attacker", sets: sets,
                                    database: database, environment: try brokenBwrapEnvironment(),
                                    extra: ["--sandbox", "required"])
        XCTAssertNotEqual(run.status, 0, run.stdout)
        XCTAssertTrue(run.stderr.contains("sandbox"), run.stderr)
        if FileManager.default.fileExists(atPath: database.path) {
            let store = try LeaderboardStore(path: database.path, access: .readOnly)
            XCTAssertEqual(try store.latestCompletedRuns().count, 0, "a run was recorded")
        }
    }

    /// `--sandbox disabled` is the organiser's explicit choice for a trusted plugin: ranked, but
    /// the run says it was unconfined.
    func testDisabledSandboxIsFlaggedOnTheRun() throws {
        let sets = try Self.generate(in: directory)
        let database = directory.appendingPathComponent("lb.sqlite")
        let run = try Self.evaluate(["--command", Self.hunt("truth", [])], name: "attacker", sets: sets,
                                    database: database, extra: ["--sandbox", "disabled"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try Self.flags(database, "attacker").map(\.kind), ["unsandboxed-allowed"])
        let board = try BenchProcess.run(["leaderboard", "--database", database.path]).stdout
        let line = try XCTUnwrap(board.split(separator: "\n").first { $0.contains("attacker") }, board)
        XCTAssertTrue(line.hasPrefix("   1"), board)
    }
}
