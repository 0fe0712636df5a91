import Foundation
import XCTest
@testable import PseudoExperiments

/// Generated views hand their memory to the next pseudo-experiment (``ViewMemory``) without
/// changing a value.
final class ViewMemoryTests: XCTestCase {
    private func address(_ view: SealedView) -> UnsafeRawPointer? {
        view.storage.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    func testAGeneratedViewsMemoryIsReusedAndGivesTheSameValues() throws {
        let g = SetsFixtures.generator()
        var first: UnsafeRawPointer?
        do {
            let pe = try g.generate(set: 3, pseudoExperiment: 5)
            first = address(pe.view)
        }
        XCTAssertGreaterThanOrEqual(ViewMemory.shared.waiting, 1, "the view's memory waits once the view is gone")
        let reused = try g.generate(set: 3, pseudoExperiment: 5)
        XCTAssertEqual(address(reused.view), first, "the same pseudo-experiment takes the memory it left")

        // With nothing waiting, the same pseudo-experiment in fresh memory: the same bits.
        while ViewMemory.shared.take(atLeast: 0) != nil {}
        let fresh = try g.generate(set: 3, pseudoExperiment: 5)
        XCTAssertNotEqual(address(fresh.view), first)
        XCTAssertEqual(reused.view.columnMajorValues().map(\.bitPattern), fresh.view.columnMajorValues().map(\.bitPattern))
    }

    func testAViewStillHeldIsNeverReused() throws {
        let g = SetsFixtures.generator()
        let held = try g.generate(set: 1, pseudoExperiment: 2)
        let values = held.view.columnMajorValues()
        for p in 0..<3 { _ = try g.generate(set: 1, pseudoExperiment: p) }
        XCTAssertEqual(held.view.columnMajorValues().map(\.bitPattern), values.map(\.bitPattern))
    }

    func testTakesTheSmallestArrayThatFitsAndKeepsAtMostTheLimit() {
        let memory = ViewMemory(limit: 2)
        let n = ViewMemory.minimumValues
        memory.give([Float](repeating: 1, count: 3 * n))
        memory.give([Float](repeating: 2, count: 2 * n))
        memory.give([Float](repeating: 3, count: 2 * n))   // full, and not larger than the smallest: let go
        memory.give([Float](repeating: 4, count: n / 2))   // too small to keep
        XCTAssertEqual(memory.waiting, 2)
        XCTAssertEqual(memory.take(atLeast: 2 * n)?.first, 2)
        XCTAssertNil(memory.take(atLeast: 3 * n + 1))
        memory.give([Float](repeating: 5, count: 2 * n))
        memory.give([Float](repeating: 6, count: 4 * n))   // full: replaces the smallest (5)
        XCTAssertEqual(memory.take(atLeast: 1)?.first, 1, "the smallest that fits")
        XCTAssertEqual(memory.take(atLeast: 1)?.first, 6)
        XCTAssertEqual(memory.waiting, 0)
    }
}
