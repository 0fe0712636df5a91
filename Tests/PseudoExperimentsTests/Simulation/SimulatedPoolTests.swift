import XCTest
import TestSupport
@testable import PseudoExperiments

/// The on-disk cache of simulated pools: generated once, reused after verification, regenerated
/// when damaged.
final class SimulatedPoolTests: XCTestCase {
    let spec = try! ChallengeSpec.builtin(named: "fair-universe-2024")

    func plan(seed: UInt64 = 5) -> SimulationPlan {
        SimulationPlan(seed: seed, rows: ProcessRows(htautau: 300, ztautau: 400, ttbar: 100, diboson: 50),
                       spec: spec, blockRows: 128)
    }

    func testGeneratedThenReusedThenRegeneratedWhenDamaged() throws {
        let dir = try ReferenceData.temporaryDirectory("simulator-cache")
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try SimulatedPool.cached(plan(), directory: dir, workers: 2)
        XCTAssertEqual(first.outcome, .generated)
        XCTAssertEqual(first.url.lastPathComponent, SimulatedPool.fileName(for: plan()))
        XCTAssertTrue(first.url.lastPathComponent.hasPrefix("simulated-v\(EventSimulator.version)-seed5-h300-z400-t100-d50-b128-y"))
        let bytes = try Data(contentsOf: first.url)

        let second = try SimulatedPool.cached(plan(), directory: dir, workers: 1)
        XCTAssertEqual(second, SimulatedPool.Entry(url: first.url, outcome: .reused))

        // Flip one byte in the middle of the data: the checksums catch it and the pool is made again.
        var damaged = bytes
        damaged[damaged.count / 2] ^= 0x40
        try damaged.write(to: first.url)
        let third = try SimulatedPool.cached(plan(), directory: dir, workers: 2)
        guard case let .regenerated(reason) = third.outcome else { return XCTFail("\(third.outcome)") }
        XCTAssertFalse(reason.isEmpty)
        XCTAssertEqual(try Data(contentsOf: third.url), bytes)

        // A different seed is a different file.
        let other = try SimulatedPool.cached(plan(seed: 6), directory: dir, workers: 2)
        XCTAssertNotEqual(other.url, first.url)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 2)
    }

    func testVerifyRefusesAPoolOfAnotherPlan() throws {
        let dir = try ReferenceData.temporaryDirectory("simulator-verify")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("pool.fuqpool")
        try EventSimulator.write(plan(seed: 5), to: url, workers: 1)
        XCTAssertNoThrow(try SimulatedPool.verify(url, against: plan(seed: 5)))
        XCTAssertThrowsError(try SimulatedPool.verify(url, against: plan(seed: 7))) { error in
            XCTAssertTrue("\(error)".contains("seed 5"), "\(error)")
        }
    }

    func testYieldsAreInTheKey() {
        var a = plan(), b = plan()
        b.yields.ttbar *= 1.01
        XCTAssertNotEqual(SimulatedPool.fileName(for: a), SimulatedPool.fileName(for: b))
        a.yieldLuminosity = 20
        XCTAssertNotEqual(SimulatedPool.fileName(for: a), SimulatedPool.fileName(for: plan()))
    }
}
