import Foundation
import PluginHost
import PseudoExperiments
import XCTest

/// The protocol end to end with a well-behaved plugin: data integrity, concurrency, seeds.
final class ProcessEstimatorTests: XCTestCase {
    func testEventFilesArriveIntactAndTheHelloNamesThePlugin() throws {
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin("echo"))
        XCTAssertEqual(fitted.pluginName, "test-plugin-echo")
        XCTAssertEqual(fitted.pluginVersion, "7")
        for (i, rows) in [50, 1000, 3, 0, 700].enumerated() {
            let view = PluginFixture.view(rows: rows, offset: 17 * i)
            let estimate = try PluginFixture.estimate(fitted, view, index: i)
            let digest = PluginFixture.digest(view)
            XCTAssertEqual(estimate.uncertainty, Double(rows), "rows of view \(i)")
            XCTAssertEqual(estimate.muHat ?? .nan, digest.sum, accuracy: 1e-9 * max(1, abs(digest.sum)), "sum of view \(i)")
            XCTAssertEqual(estimate.interval68.lower, digest.min, "min of view \(i)")
            XCTAssertEqual(estimate.interval68.upper, digest.max, "max of view \(i)")
        }
        XCTAssertEqual(fitted.restartCount, 0)
        XCTAssertTrue(fitted.incidents.isEmpty, "\(fitted.incidents)")
    }

    func testConcurrentCallersShareTwoWorkers() throws {
        var limits = PluginFixture.quickLimits
        limits.workers = 2
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin("echo", limits: limits))
        let views = (0..<12).map { PluginFixture.view(rows: 20 + $0 * 37, offset: $0 * 11) }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var estimates: [Int: Estimate] = [:]
            var errors: [String] = []
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: views.count) { i in
            do {
                let e = try PluginFixture.estimate(fitted, views[i], index: i)
                results.lock.lock(); results.estimates[i] = e; results.lock.unlock()
            } catch {
                results.lock.lock(); results.errors.append("\(error)"); results.lock.unlock()
            }
        }
        XCTAssertEqual(results.errors, [])
        for (i, view) in views.enumerated() {
            XCTAssertEqual(results.estimates[i]?.uncertainty, Double(view.count), "view \(i) went to the wrong file")
            XCTAssertEqual(results.estimates[i]?.muHat ?? .nan, PluginFixture.digest(view).sum,
                           accuracy: 1e-9 * max(1, abs(PluginFixture.digest(view).sum)))
        }
    }

    func testTheExchangeDirectoryIsRemovedOnShutdown() throws {
        let parent = try FileManager.default.url(for: .itemReplacementDirectory, in: .userDomainMask,
                                                 appropriateFor: URL(fileURLWithPath: "/tmp"), create: true).path
        defer { try? FileManager.default.removeItem(atPath: parent) }
        var plugin = PluginFixture.testPlugin("echo")
        plugin.exchangeParent = parent
        do {
            let fitted = try PluginFixture.fit(plugin)
            _ = try PluginFixture.estimate(fitted, PluginFixture.view())
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent).count, 1)
            fitted.shutdown()
            XCTAssertPluginError(try PluginFixture.estimate(fitted, PluginFixture.view()), contains: ["shut down"])
        }
        // The directory goes with the estimator.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), [])
    }

    func testEventFileRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fair-uq-eventfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = PluginFixture.pool.rows(Array(0..<37))
        let url = dir.appendingPathComponent("pool.events")
        try PluginEventFile.write(table, to: url)
        let contents = try PluginEventFile.read(from: url)
        XCTAssertEqual(contents.rows, 37)
        XCTAssertEqual(contents.features, table.columns.flatMap { $0 })
        XCTAssertEqual(contents.weights, table.weights)
        XCTAssertEqual(contents.processCodes, table.processCodes)
        XCTAssertEqual(try Data(contentsOf: url).count, PluginEventFile.byteCount(rows: 37, labelled: true))
        XCTAssertEqual(Array(try Data(contentsOf: url).prefix(8)), PluginEventFile.magic)
    }

    /// The attack on request ids: a counter would tell a worker how many pseudo-experiments came
    /// before it, and so where in the run order it stands. The ids a plugin sees (it answers
    /// each with its id as mu_hat) are distinct, random below 2^53 and not in sequence.
    func testRequestIdsRevealNoOrder() throws {
        let fitted = try PluginFixture.fit(PluginFixture.testPlugin("request-id"))
        let ids = try (0..<16).map { i in
            try XCTUnwrap(try PluginFixture.estimate(fitted, PluginFixture.view(rows: 5), index: i).muHat)
        }
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique: \(ids)")
        XCTAssertTrue(ids.allSatisfy { $0 >= 1 && $0 < 0x1p53 && $0 == $0.rounded() }, "\(ids)")
        let steps = zip(ids, ids.dropFirst()).map { $1 - $0 }
        XCTAssertFalse(steps.allSatisfy { $0 > 0 }, "ids do not increase with the run order: \(ids)")
        XCTAssertGreaterThan(ids.max()! - ids.min()!, 1e6, "ids are spread, not a counter: \(ids)")
    }
}
