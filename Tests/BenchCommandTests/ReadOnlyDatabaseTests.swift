import Foundation
import Scoring
import TestSupport
import XCTest

/// A leaderboard file that the user may not write: readers work where SQLite can, writers are
/// refused with a clear error, and the file is never changed.
///
/// Root ignores file permissions, so as root the commands run as user `nobody` (via setpriv).
final class ReadOnlyDatabaseTests: XCTestCase {
    private struct Output { var status: Int32, stdout: String, stderr: String }

    private func runUnprivileged(_ args: [String]) throws -> Output {
        guard getuid() == 0 else {
            let out = try BenchProcess.run(args)
            return Output(status: out.status, stdout: out.stdout, stderr: out.stderr)
        }
        let setpriv = "/usr/bin/setpriv"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: setpriv), SkipLog.record("root without setpriv"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setpriv)
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", BenchProcess.executable.path] + args
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = String(decoding: errData, as: UTF8.self)
        try XCTSkipIf(stderr.hasPrefix("setpriv:"), SkipLog.record("nobody cannot run the built bench here: \(stderr)"))
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                                   stderr: stderr)
    }

    func testReadOnlyFileAndDirectory() throws {
        let directory: URL, path: String, outcomes: [PseudoExperimentOutcome]
        do {   // the fixture's connection closes at the end of this scope (WAL folded back in)
            let f = try LeaderboardFixture("read-only")
            try f.complete("alpha") { _ in 0.3 }
            (directory, path, outcomes) = (f.directory, f.path, f.outcomes { _ in 0.2 })
        }
        let fm = FileManager.default
        defer {
            try? fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
            try? fm.removeItem(at: directory)
        }
        let csv = directory.appendingPathComponent("beta.csv")
        try LeaderboardFixture.csv(outcomes).write(to: csv, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: csv.path)
        XCTAssertFalse(fm.fileExists(atPath: path + "-wal"), "the closed database should have no WAL file")
        try fm.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let importArgs = ["store", "import-results", csv.path, "--database", path, "--submission", "beta",
                          "--code-hash", "c-beta", "--set-manifest", LeaderboardFixture.manifest]

        // Directory not writable: SQLite cannot create the -shm file it reads a WAL database with.
        try fm.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory.path)
        var out = try runUnprivileged(["leaderboard", "--database", path])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("Cannot read the leaderboard database \(path): SQLite reads it in WAL mode"),
                      out.stderr)
        XCTAssertTrue(out.stderr.contains("Make the directory writable"), out.stderr)
        out = try runUnprivileged(importArgs)
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("Cannot read the leaderboard database"), out.stderr)

        // Directory writable, file read-only: reading works, writing is refused.
        try fm.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.path)
        out = try runUnprivileged(["leaderboard", "--database", path, "--format", "csv", "--replicates", "20"])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertEqual(try CSVText.records(out.stdout).dropFirst().map { $0.fields[1] }, ["alpha"])
        out = try runUnprivileged(importArgs)
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("The leaderboard database \(path) is read-only, so nothing was written"),
                      out.stderr)

        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "a refused write changed the file")
        try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let reader = try LeaderboardStore(path: path, access: .readOnly)
        XCTAssertEqual(try reader.contents().runs, [.completed: 1])
        XCTAssertEqual(try reader.integrityProblems(), [])
    }
}
