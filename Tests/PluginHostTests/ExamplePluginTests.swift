import Foundation
import PluginHost
import PseudoExperiments
import Scoring
import TestSupport
import XCTest

/// The example Python estimator (examples/python-estimator) end to end: fit with transform
/// requests, two workers estimating pseudo-experiments drawn as the harness draws them, scored.
final class ExamplePluginTests: XCTestCase {
    func testPythonCutAndCountEndToEnd() throws {
        let logs = try ReferenceData.temporaryDirectory("plugin-logs")
        defer { try? FileManager.default.removeItem(at: logs) }
        let root = PluginFixture.packageRoot
        var limits = PluginFixture.quickLimits
        limits.workers = 2
        var plugin = ProcessEstimator(
            command: "PYTHONPATH=\(root)/clients/python python3 \(root)/examples/python-estimator/estimator.py",
            limits: limits)
        plugin.logDirectory = logs.path
        let fitted = try PluginFixture.fit(plugin)
        XCTAssertEqual(fitted.pluginName, "python-cut-and-count")

        // The model the plugin fitted, from its log: the region and the expected yields in it.
        let fitLog = try String(contentsOf: logs.appendingPathComponent("fit.stderr"), encoding: .utf8)
        let modelLine = try XCTUnwrap(fitLog.split(separator: "\n").first { $0.hasPrefix("fitted model: ") })
        let model = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(modelLine.dropFirst(14).utf8)) as? [String: Any])
        let region = try XCTUnwrap(model["region"] as? [String: Double])
        let s = try XCTUnwrap(model["S"] as? Double), b = try XCTUnwrap(model["B"] as? Double)
        XCTAssertGreaterThan(s, 0)
        XCTAssertGreaterThan(b, s)
        let effects = try XCTUnwrap(model["effects"] as? [String: [String: Double]])
        XCTAssertEqual(Set(effects.keys), Set(PluginFixture.spec.nuisances.map(\.name)))

        let experiments = try (0..<8).map { try PluginFixture.pseudoExperiment($0) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var byIndex: [Int: Result<Estimate, Error>] = [:]
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: experiments.count) { i in
            let outcome = Result { try PluginFixture.estimate(fitted, experiments[i].view, index: i) }
            results.lock.lock(); results.byIndex[i] = outcome; results.lock.unlock()
        }

        var scored: [ScoredResult] = []
        for (i, experiment) in experiments.enumerated() {
            let estimate = try XCTUnwrap(try results.byIndex[i]?.get())
            // The plugin's count, recomputed here: events in its region.
            let mass = experiment.view.column(.massVis), pt = experiment.view.column(.ptH)
            let n = zip(mass, pt).filter { m, p in
                Double(m) >= region["mass_low"]! && Double(m) < region["mass_high"]! && Double(p) >= region["pt_min"]!
            }.count
            XCTAssertEqual(estimate.muHat ?? .nan, (Double(n) - b) / s, accuracy: 1e-9, "pseudo-experiment \(i)")
            let sigma = try XCTUnwrap(estimate.uncertainty)
            XCTAssertGreaterThanOrEqual(sigma, Double(max(n, 1)).squareRoot() / s * (1 - 1e-12), "statistics alone")
            XCTAssertEqual(estimate.interval68.lower, estimate.muHat! - sigma, accuracy: 1e-9)
            XCTAssertLessThan(abs(estimate.muHat! - experiment.mu), 5 * sigma, "pseudo-experiment \(i): a 5 sigma miss")
            scored.append(ScoredResult(truth: PseudoExperimentTruth(setIndex: i / 4, index: i % 4, mu: experiment.mu,
                                                                    nuisances: experiment.nuisances),
                                       estimate: estimate))
        }
        let card = try Scorecard(results: scored, bootstrap: nil)
        XCTAssertEqual(card.overall.n, 8)
        XCTAssertEqual(card.overall.failures, 0)
        XCTAssertTrue(card.overall.interval.isFinite && card.overall.interval > 0)
        XCTAssertEqual(fitted.incidentCount, 0)
    }
}
