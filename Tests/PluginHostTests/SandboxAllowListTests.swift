#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import PluginHost
import PseudoExperiments
import TestSupport
import XCTest

/// The allow-list rules that need no process: never a home directory, every secret file found
/// by name or content, exchange directories of dead harnesses removed.
final class SandboxAllowListTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws { directory = try ReferenceData.temporaryDirectory("allow-list") }
    override func tearDownWithError() throws { if let directory { try? FileManager.default.removeItem(at: directory) } }

    func testAHomeDirectoryOrOneAboveItIsNeverMountedWhole() {
        let homes = ["/home/alice"]
        XCTAssertTrue(SandboxMounts.exposesHome("/home/alice", homes: homes))
        XCTAssertTrue(SandboxMounts.exposesHome("/home", homes: homes))
        XCTAssertTrue(SandboxMounts.exposesHome("/", homes: homes))
        XCTAssertFalse(SandboxMounts.exposesHome("/home/alice/.pyenv", homes: homes), "~/.pyenv is not the home")
        XCTAssertFalse(SandboxMounts.exposesHome("/home/alice/bin", homes: homes))
        XCTAssertFalse(SandboxMounts.exposesHome("/opt/swift/usr", homes: homes))
    }

    func testSecretFilesAreFoundByNameAndByContent() throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("data/deeper"), withIntermediateDirectories: true)
        let files: [(String, String)] = [
            ("estimator.py", "print('hi')"), ("sets.truth.json", "{}"), ("lb.sqlite", ""), ("lb.sqlite-wal", ""),
            ("data/backup.sqlite3", ""), ("data/deeper/pool.fuqpool", "x"), ("data/scores.bak", "SQLite format 3\u{0}rest"),
            ("data/scores.bak-wal", "wal"), ("data/notes.txt", "SQLite is nice"),
            ("data/events.dat", "DER_mass_MMC,PRI_met,weights\n1,2,3\n"), ("data/features.csv", "DER_mass_MMC,PRI_met\n1,2\n"),
            ("data/readme.md", "# Notes\nthe weights, labels and detailed_labels are never read\n"),
        ]
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        // Labelled data under neutral names: a pool and the challenge's Parquet sample.
        try Data(PoolFormat.magic + [0, 1, 2]).write(to: directory.appendingPathComponent("data/model.bin"))
        try fm.copyItem(at: ReferenceData.sample("FAIR_Universe_HiggsML_data.parquet"),
                        to: directory.appendingPathComponent("data/deeper/weights-free-name.dat"))
        // A link to a secret is not followed (its target is masked where it is mounted).
        try fm.createSymbolicLink(atPath: directory.appendingPathComponent("link.txt").path,
                                  withDestinationPath: directory.appendingPathComponent("sets.truth.json").path)
        let found = try SecretFiles.find(in: [directory.path]).map { String($0.dropFirst(directory.path.count + 1)) }
        XCTAssertEqual(found, ["data/backup.sqlite3", "data/deeper/pool.fuqpool", "data/deeper/weights-free-name.dat",
                               "data/events.dat", "data/model.bin", "data/scores.bak", "data/scores.bak-wal",
                               "lb.sqlite", "lb.sqlite-wal", "sets.truth.json"])
        XCTAssertEqual(try SecretFiles.find(in: [directory.path], skipping: [directory.appendingPathComponent("data").path]).count, 3)
    }

    func testExchangeDirectoriesOfDeadHarnessesAreRemoved() throws {
        let fm = FileManager.default
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let owners: [(String, String?)] = [("fair-uq-plugin-dead", "\(dead.processIdentifier)"),
                                           ("fair-uq-plugin-live", "\(getpid())"), ("fair-uq-plugin-unowned", nil),
                                           ("other-dead", "\(dead.processIdentifier)")]
        for (name, pid) in owners {
            let dir = directory.appendingPathComponent(name)
            try fm.createDirectory(at: dir.appendingPathComponent("model"), withIntermediateDirectories: true)
            if let pid { try Data(pid.utf8).write(to: dir.appendingPathComponent(ExchangeDirectory.ownerFile)) }
        }
        let exchange = try ExchangeDirectory(parent: directory.path, logDirectory: nil)
        let left = Set(try fm.contentsOfDirectory(atPath: directory.path))
        XCTAssertEqual(left, ["fair-uq-plugin-live", "fair-uq-plugin-unowned", "other-dead",
                              (exchange.root as NSString).lastPathComponent])
        XCTAssertEqual(try String(contentsOfFile: exchange.root + "/owner.pid", encoding: .utf8), "\(getpid())\n")
    }

    /// A log past twice the limit keeps its last lines; the model directory is measured.
    func testLogsKeepTheirTailAndTheModelIsMeasured() throws {
        let exchange = try ExchangeDirectory(parent: directory.path, logDirectory: nil)
        let log = exchange.logFile("worker-0")
        let lines = (0..<1000).map { "line \($0) of a plugin that does not stop talking" }.joined(separator: "\n") + "\n"
        try Data(lines.utf8).write(to: log)
        exchange.trimLogs(keepingLast: 4096)
        let kept = try String(contentsOf: log, encoding: .utf8)
        XCTAssertLessThanOrEqual(kept.utf8.count, 4096 + 32)
        XCTAssertTrue(kept.hasPrefix("[earlier lines cut]\nline "), String(kept.prefix(80)))
        XCTAssertTrue(kept.hasSuffix("line 999 of a plugin that does not stop talking\n"))

        try Data(count: 3000).write(to: URL(fileURLWithPath: exchange.model + "/weights.bin"))
        try FileManager.default.createDirectory(atPath: exchange.model + "/sub", withIntermediateDirectories: true)
        try Data(count: 1000).write(to: URL(fileURLWithPath: exchange.model + "/sub/more.bin"))
        XCTAssertEqual(exchange.modelBytes(), 4000)
    }
}
