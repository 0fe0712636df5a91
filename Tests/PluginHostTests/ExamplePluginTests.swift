import Foundation
import PluginHost
import PseudoExperiments
import Scoring
import TestSupport
import XCTest

/// The example plugins end to end: the Python estimator (examples/python-estimator) and the
/// Swift template (templates/swift-estimator, when built: CI builds it and sets
/// FAIR_UQ_REQUIRE_TEMPLATE). Fit with transform requests, two workers estimating
/// pseudo-experiments drawn as the harness draws them, every count checked, scored.
final class ExamplePluginTests: XCTestCase {
    /// What a fitted cut-and-count model says about one view: events in its region, S and B.
    typealias Region = (SealedView) -> (n: Int, signal: Double, background: Double)

    func testPythonCutAndCountEndToEnd() throws {
        let root = PluginFixture.packageRoot
        let plugin = ProcessEstimator(
            command: "PYTHONPATH=\(root)/clients/python python3 \(root)/examples/python-estimator/estimator.py")
        try runEndToEnd(plugin, name: "python-cut-and-count") { model in
            let region = try XCTUnwrap(model["region"] as? [String: Double])
            let s = try XCTUnwrap(model["S"] as? Double), b = try XCTUnwrap(model["B"] as? Double)
            let effects = try XCTUnwrap(model["effects"] as? [String: [String: Double]])
            XCTAssertEqual(Set(effects.keys), Set(PluginFixture.spec.nuisances.map(\.name)))
            return { view in
                let n = zip(view.column(.massVis), view.column(.ptH)).filter { m, p in
                    Double(m) >= region["mass_low"]! && Double(m) < region["mass_high"]! && Double(p) >= region["pt_min"]!
                }.count
                return (n, s, b)
            }
        }
    }

    func testSwiftTemplateEndToEnd() throws {
        let executable = PluginFixture.packageRoot + "/templates/swift-estimator/.build/release/estimator"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            if ProcessInfo.processInfo.environment["FAIR_UQ_REQUIRE_TEMPLATE"] != nil {
                return XCTFail("FAIR_UQ_REQUIRE_TEMPLATE is set but \(executable) is missing: swift build -c release --package-path templates/swift-estimator")
            }
            throw XCTSkip(SkipLog.record("the Swift template is not built (swift build -c release --package-path templates/swift-estimator)"))
        }
        try runEndToEnd(ProcessEstimator(executable: executable), name: "swift-cut-and-count") { model in
            let window = try XCTUnwrap(model["window"] as? [String: Double])
            let s = try XCTUnwrap(model["signal"] as? Double), b = try XCTUnwrap(model["background"] as? Double)
            let effects = try XCTUnwrap(model["effects"] as? [String: [Double]])
            XCTAssertEqual(Set(effects.keys), Set(PluginFixture.spec.nuisances.map(\.name)))
            return { view in
                (view.column(.massVis).filter { Double($0) >= window["low"]! && Double($0) < window["high"]! }.count, s, b)
            }
        }
    }

    /// Fits `plugin`, reads the model it logged (`fitted model: {json}`), estimates 8
    /// pseudo-experiments on two workers, checks each against `region`, and scores them.
    private func runEndToEnd(_ plugin: ProcessEstimator, name: String,
                             region makeRegion: ([String: Any]) throws -> Region) throws {
        let logs = try ReferenceData.temporaryDirectory("plugin-logs")
        defer { try? FileManager.default.removeItem(at: logs) }
        var plugin = plugin
        plugin.limits = PluginFixture.quickLimits
        plugin.limits.workers = 2
        plugin.logDirectory = logs.path
        let fitted = try PluginFixture.fit(plugin)
        XCTAssertEqual(fitted.pluginName, name)

        let fitLog = try String(contentsOf: logs.appendingPathComponent("fit.stderr"), encoding: .utf8)
        let modelLine = try XCTUnwrap(fitLog.split(separator: "\n").first { $0.hasPrefix("fitted model: ") }, fitLog)
        let model = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(modelLine.dropFirst(14).utf8)) as? [String: Any])
        let region = try makeRegion(model)

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
            let (n, s, b) = region(experiment.view)
            XCTAssertGreaterThan(s, 0)
            XCTAssertGreaterThan(b, s)
            XCTAssertEqual(estimate.muHat ?? .nan, (Double(n) - b) / s, accuracy: 1e-9, "pseudo-experiment \(i)")
            let sigma = try XCTUnwrap(estimate.uncertainty)
            XCTAssertGreaterThanOrEqual(sigma, Double(max(n, 1)).squareRoot() / s * (1 - 1e-12), "statistics alone")
            XCTAssertEqual(estimate.interval68.lower, estimate.muHat! - sigma, accuracy: 1e-9)
            if name == "swift-cut-and-count" {
                // The Swift client speaks version 2: the template's Gaussian intervals at 50% and 90% arrive.
                XCTAssertEqual(estimate.levels.map(\.level), [0.5, 0.9, 0.95], "pseudo-experiment \(i)")
                let ninety = try XCTUnwrap(estimate.levels.first { $0.level == 0.9 })
                XCTAssertEqual(ninety.interval.upper - estimate.muHat!, 1.644853626951472 * sigma, accuracy: 1e-9)
            }
            XCTAssertLessThan(abs(estimate.muHat! - experiment.mu), 5 * sigma, "pseudo-experiment \(i): a 5 sigma miss")
            scored.append(ScoredResult(truth: PseudoExperimentTruth(setIndex: i / 4, index: i % 4, mu: experiment.mu,
                                                                    nuisances: experiment.nuisances),
                                       estimate: estimate))
        }
        let card = try Scorecard(results: scored, bootstrap: nil)
        XCTAssertEqual(card.overall.n, 8)
        XCTAssertEqual(card.overall.failures, 0)
        XCTAssertTrue(card.overall.interval.isFinite && card.overall.interval > 0)
        XCTAssertEqual(fitted.incidentCount, 0, "\(fitted.incidents)")
    }
}
