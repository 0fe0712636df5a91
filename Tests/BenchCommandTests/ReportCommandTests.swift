import Foundation
import Scoring
import TestSupport
import XCTest

/// `bench report` end to end: the HTML report of a run read from the store.
final class ReportCommandTests: XCTestCase {
    private var f: LeaderboardFixture!

    override func setUpWithError() throws {
        f = try LeaderboardFixture("report")
        try f.complete("alpha") { _ in 0.3 }
        try f.complete("beta") { k in k % 2 == 0 ? 0.2 : 0.4 }
    }

    override func tearDown() { f.remove() }

    func testWritesTheReportOfTheChosenRun() throws {
        let output = f.directory.appendingPathComponent("alpha.html")
        let out = try BenchProcess.run(["report", "--database", f.path, "--challenge", "toy", "--submission", "alpha",
                                        "--output", output.path, "--replicates", "50", "--seed", "4"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let html = try String(contentsOf: output, encoding: .utf8)
        // Exactly the library's report of the stored results (same inputs, same bytes).
        let run = try f.store.latestCompletedRun(challenge: "toy", submission: "alpha")
        var expected = HTMLReport(title: "alpha 1 on toy (sets sets-1, run \(run.id))",
                                  results: try f.store.scoredResults(of: run.id),
                                  bootstrap: BootstrapOptions(replicates: 50, seed: 4))
        expected.sealed = false
        XCTAssertEqual(html, try expected.render())
        XCTAssertTrue(html.contains("<strong>Open run</strong>"), "the fixture's sets are open")
        XCTAssertTrue(html.contains("100 pseudo-experiments in 4 sets"), String(html.prefix(2000)))
    }

    func testAmbiguousOrUnknownRunsWriteNothing() throws {
        let output = f.directory.appendingPathComponent("report.html")
        var out = try BenchProcess.run(["report", "--database", f.path, "--output", output.path])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("2 completed runs in \(f.path) match: alpha on toy (sets sets-1); beta on toy"),
                      out.stderr)
        XCTAssertTrue(out.stderr.contains("Pass --submission"), out.stderr)

        out = try BenchProcess.run(["report", "--database", f.path, "--submission", "gamma", "--output", output.path])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("No completed run of submission 'gamma' in \(f.path)"), out.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))

        let nowhere = f.directory.appendingPathComponent("no/such/dir/report.html")
        out = try BenchProcess.run(["report", "--database", f.path, "--submission", "alpha", "--output", nowhere.path,
                                    "--replicates", "20"])
        XCTAssertNotEqual(out.status, 0)
        XCTAssertTrue(out.stderr.contains("Cannot write \(nowhere.path)"), out.stderr)
    }
}
