import Foundation
import PluginHost
import PseudoExperiments
import TestSupport
import XCTest

/// Protocol version 2's `transform_events`: rows of the plugin's own through the host's
/// systematics transform, in the worker as in the fit, and what a cheating or careless plugin
/// cannot make the host do with the directory it may write (read through links, write through
/// links, read outside it, read past a short file).
final class TransformEventsTests: XCTestCase {
    private func plugin(_ mode: String, _ extra: String = "") -> ProcessEstimator {
        ProcessEstimator(command: "PYTHONPATH=\(PluginFixture.clientDirectory) python3 \(PluginFixture.fixtures)/transform_plugin.py \(mode) \(extra)",
                         limits: PluginFixture.quickLimits)
    }

    /// What a worker leaves in its requests_dir is gone at the next pseudo-experiment (no memory
    /// carried), and emptying it removes links without following them into host directories.
    func testTheRequestsDirectoryIsEmptiedWithoutFollowingLinks() throws {
        let canary = try ReferenceData.temporaryDirectory("transform-canary")
        defer { try? FileManager.default.removeItem(at: canary) }
        let precious = canary.appendingPathComponent("precious.txt")
        try Data("keep me".utf8).write(to: precious)
        let fitted = try PluginFixture.fit(plugin("litter", canary.path))
        defer { fitted.shutdown() }
        for index in 0..<3 {
            let estimate = try PluginFixture.estimate(fitted, PluginFixture.view(rows: 20), index: index)
            XCTAssertEqual(estimate.muHat, 0, "pseudo-experiment \(index) found what an earlier one left")
        }
        XCTAssertEqual(try String(contentsOf: precious, encoding: .utf8), "keep me", "the host's file behind the links is intact")
    }

    /// The worker's rows come back as the library's transform gives them, seeded as
    /// `bench systematics --seed` is: count, features and source rows.
    func testAWorkersRowsComeBackThroughTheHostsTransform() throws {
        let fitted = try PluginFixture.fit(plugin("echo"))
        defer { fitted.shutdown() }
        let rows = 300
        let estimate = try PluginFixture.estimate(fitted, PluginFixture.view(rows: rows))
        var noise = SeedDerivation.generator(5, .softMet)
        let expected = PluginFixture.pool.rows(Array(0..<rows))
            .applyingSystematics(SystematicShift(tes: 0.98, jes: 1.03, softMet: 2), noise: &noise)
        XCTAssertLessThan(expected.table.count, rows, "the cuts drop some rows, so source rows matter")
        XCTAssertEqual(estimate.muHat, Double(expected.table.count))
        let mass = expected.table[.massVis].reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(estimate.interval68.lower, mass, accuracy: abs(mass) * 1e-12)
        XCTAssertEqual(estimate.interval68.upper - estimate.interval68.lower, Double(expected.sourceRows.reduce(0, +)), accuracy: 1e-6)
        let met = expected.table[.met].reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(try XCTUnwrap(estimate.uncertainty), met, accuracy: abs(met) * 1e-12)
        // Another pseudo-experiment on the same worker: the requests directory was emptied.
        XCTAssertNoThrow(try PluginFixture.estimate(fitted, PluginFixture.view(rows: 40)))
        XCTAssertEqual(fitted.restartCount, 0)
    }

    func testRefusedRequestsSayWhyAndThePluginCarriesOn() throws {
        let cases: [(mode: String, reason: String)] = [
            ("symlink", "cannot open"),
            ("outside", "is not in the process's requests_dir"),
            ("reply-link", "cannot create the reply"),
            ("short", "is shorter than the features of its"),
            ("normalisation", "a normalisation: it does not change events"),
            ("huge", "is shorter than the features of its 2147481648 rows"),
        ]
        for c in cases {
            let fitted = try PluginFixture.fit(plugin(c.mode))
            defer { fitted.shutdown() }
            XCTAssertPluginError(try PluginFixture.estimate(fitted, PluginFixture.view(rows: 50)),
                                 contains: ["reported an error during estimate", "transform_events request 7", c.reason])
            XCTAssertEqual(fitted.restartCount, 0, "\(c.mode): a refused request does not cost the worker")
        }
    }
}
