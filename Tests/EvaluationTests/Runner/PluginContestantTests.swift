import Evaluation
import Foundation
import PluginHost
import PseudoExperiments
import Scoring
import TestSupport
import XCTest

/// Submissions run as processes (the plugin host) through the runner: failures recorded with
/// their reasons beside intact results, a crashing worker replaced, state caught by a fresh
/// instance, and the code hash.
final class PluginContestantTests: XCTestCase {
    static let fixture = ReferenceData.packageRoot.appendingPathComponent("Tests/EvaluationTests/Fixtures/parity_plugin.py")

    private func plugin(_ mode: String) throws -> Contestant {
        let python = ReferenceData.packageRoot.appendingPathComponent("clients/python").path
        return try PluginSubmission(program: .shell("PYTHONPATH=\(python) python3 \(Self.fixture.path) \(mode)"),
                                    name: "plugin-\(mode)")
            .contestant(options: RunnerFixture.options())
    }

    /// Runs the counting estimator beside the plugin in `mode`; returns both runs' outcomes.
    private func run(_ mode: String, fraction: Double = 0.2, jobs: Int = 2)
        throws -> (counting: [PseudoExperimentOutcome], plugin: [PseudoExperimentOutcome], report: EvaluationReport,
                   odd: Set<PseudoExperimentKey>) {
        let f = try RunnerFixture("plugin-\(mode)", sets: 2, perSet: 4)
        defer { f.remove() }
        let report = try f.runner(RunnerFixture.options(jobs: jobs, fraction: fraction))
            .run([try RunnerFixture.entry(CountingTestEstimator()), try plugin(mode)])
        let odd = Set(try f.sets.truths.filter { try f.sets.view(of: $0.key).count % 2 == 1 }.map(\.key))
        return (try f.store.outcomes(of: report.contestants[0].run), try f.store.outcomes(of: report.contestants[1].run),
                report, odd)
    }

    func testAGoodPluginAgreesWithTheSameMethodInProcess() throws {
        let (counting, plugin, report, _) = try run("good")
        XCTAssertEqual(report.contestants.map(\.status), [.completed, .completed])
        XCTAssertEqual(report.contestants[1].submission.kind, .entry)
        XCTAssertEqual(report.contestants[1].flags, [])
        for (a, b) in zip(counting, plugin) {
            XCTAssertNil(b.failure)
            // The same formula on the same events, in Float32 weights summed by numpy.
            XCTAssertEqual(try XCTUnwrap(b.estimate?.interval68.lower), try XCTUnwrap(a.estimate?.interval68.lower),
                           accuracy: 1e-3, "\(a.key)")
        }
    }

    func testPluginFailuresAreRecordedWithReasonsAndOthersAreIntact() throws {
        let expected: [(String, String)] = [
            ("error", "cannot handle"), ("nan", "p16 is NaN"), ("swapped", "swapped bounds"), ("crash", "SIGSEGV"),
        ]
        for (mode, reason) in expected {
            let (counting, plugin, report, odd) = try run(mode, fraction: 0)
            XCTAssertFalse(odd.isEmpty)
            XCTAssertTrue(counting.allSatisfy { $0.failure == nil }, mode)
            XCTAssertEqual(plugin.count, 8, mode)
            for o in plugin {
                XCTAssertEqual(o.failure != nil, odd.contains(o.key), "\(mode): \(o)")
                // The plugin host may refuse a bad estimate itself ("p16 is nan") before the runner judges it.
                if odd.contains(o.key) {
                    XCTAssertTrue(o.failure?.lowercased().contains(reason.lowercased()) ?? false, "\(mode): \(o.failure ?? "")")
                }
            }
            XCTAssertEqual(report.contestants[1].scorecard?.overall.failures, odd.count, mode)
        }
    }

    func testStatefulPluginIsFlagged() throws {
        // One worker: the plugin's state (views seen so far) then follows the run order. With two,
        // which worker process sees which pseudo-experiment depends on timing, and a check whose
        // pseudo-experiments each came first to their worker in both passes finds nothing to flag.
        let (_, _, report, _) = try run("stateful", fraction: 0.3, jobs: 1)
        XCTAssertEqual(report.contestants[0].flags, [])
        XCTAssertEqual(report.contestants[1].flags.first?.kind, RunFlag.stateful)
    }

    func testCodeHashFollowsTheFilesTheCommandNames() throws {
        let directory = try ReferenceData.temporaryDirectory("plugin-hash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("estimator.py")
        try "print('v1')\n".write(to: script, atomically: true, encoding: .utf8)
        let command = ProcessEstimator.Program.shell("PYTHONPATH=lib python3 estimator.py --fast")
        let first = try PluginSubmission.codeHash(of: command, in: directory.path)
        XCTAssertEqual(first, try PluginSubmission.codeHash(of: command, in: directory.path))
        try "print('v2')\n".write(to: script, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(first, try PluginSubmission.codeHash(of: command, in: directory.path), "the script changed")
        let executable = ProcessEstimator.Program.executable(path: "estimator.py", arguments: [])
        XCTAssertNotEqual(try PluginSubmission.codeHash(of: executable, in: directory.path),
                          try PluginSubmission.codeHash(of: .executable(path: "estimator.py", arguments: ["x"]),
                                                        in: directory.path))
        XCTAssertThrowsError(try PluginSubmission.codeHash(of: .executable(path: "missing.py", arguments: []),
                                                           in: directory.path)) { error in
            XCTAssertTrue("\(error)".contains("There is no plugin file at"), "\(error)")
        }
        let given = try PluginSubmission(program: executable, codeHash: "git-abc123").contestant(options: EvaluationOptions())
        XCTAssertEqual(given.submission.codeHash, "git-abc123")
    }
}
