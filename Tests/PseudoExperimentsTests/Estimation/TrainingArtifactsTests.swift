import Foundation
import PseudoExperiments
import TestSupport
import XCTest

/// The shared training results: computed once per (step, generator state), handed back with the
/// generator advanced as the computation would have left it.
final class TrainingArtifactsTests: XCTestCase {
    private struct Failure: Error {}

    /// A step that draws three numbers and sums them, counting its calls.
    private func sumOfThree(_ calls: Locked, _ rng: inout SeededGenerator) -> UInt64 {
        calls.increment()
        return rng.next() &+ rng.next() &+ rng.next()
    }

    func testSecondCallerGetsTheValueAndTheGeneratorStateOfTheFirst() throws {
        let artifacts = TrainingArtifacts()
        let calls = Locked()
        var alone = SeededGenerator(seed: 11)
        let expected = sumOfThree(Locked(), &alone)

        var first = SeededGenerator(seed: 11), second = SeededGenerator(seed: 11)
        let a = try artifacts.value("sum", rng: &first) { sumOfThree(calls, &$0) }
        let b = try artifacts.value("sum", rng: &second) { sumOfThree(calls, &$0) }
        XCTAssertEqual(a, expected)
        XCTAssertEqual(b, expected)
        XCTAssertEqual(calls.value, 1, "the second caller must not compute again")
        XCTAssertEqual(first, alone)
        XCTAssertEqual(second, alone, "the generator must end where the computation leaves it")
        XCTAssertEqual(artifacts.count, 1)
    }

    func testAnotherGeneratorStateOrStepOrTypeIsAnotherResult() throws {
        let artifacts = TrainingArtifacts()
        let calls = Locked()
        var g1 = SeededGenerator(seed: 1), g2 = SeededGenerator(seed: 2), g3 = SeededGenerator(seed: 1)
        let a = try artifacts.value("sum", rng: &g1) { sumOfThree(calls, &$0) }
        let b = try artifacts.value("sum", rng: &g2) { sumOfThree(calls, &$0) }
        let c = try artifacts.value("other", rng: &g3) { sumOfThree(calls, &$0) }
        var g4 = SeededGenerator(seed: 1)
        let d: Int = try artifacts.value("sum", rng: &g4) { Int(truncatingIfNeeded: sumOfThree(calls, &$0)) / 2 }
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(a, c)
        XCTAssertEqual(d, Int(truncatingIfNeeded: a) / 2)
        XCTAssertEqual(calls.value, 4)
    }

    func testAThrowingStepStoresNothing() throws {
        let artifacts = TrainingArtifacts()
        var rng = SeededGenerator(seed: 5)
        XCTAssertThrowsError(try artifacts.value("fails", rng: &rng) { _ -> Int in throw Failure() })
        XCTAssertEqual(artifacts.count, 0)
        var again = SeededGenerator(seed: 5)
        XCTAssertEqual(try artifacts.value("fails", rng: &again) { _ in 7 }, 7)
    }

    func testConcurrentCallersComputeOnce() throws {
        let artifacts = TrainingArtifacts()
        let calls = Locked()
        let results = Locked()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            var rng = SeededGenerator(seed: 99)
            let v = try? artifacts.value("slow", rng: &rng) { rng -> UInt64 in
                Thread.sleep(forTimeInterval: 0.05)
                return sumOfThree(calls, &rng)
            }
            if v != nil { results.increment() }
        }
        XCTAssertEqual(calls.value, 1)
        XCTAssertEqual(results.value, 8)
    }

    func testContextCopiesShareTheirArtifacts() throws {
        let table = try EventTable.readCSV(from: ReferenceData.sample("input_rows.csv")).table
        let spec = try ChallengeSpec.builtin(named: "fair-universe-2024-mini")
        var one = TrainingContext(spec: spec, pool: table, rng: SeededGenerator(seed: 3))
        var two = one
        let calls = Locked()
        let a = try one.shared("step") { sumOfThree(calls, &$0.rng) }
        let b = try two.shared("step") { sumOfThree(calls, &$0.rng) }
        XCTAssertEqual(a, b)
        XCTAssertEqual(one.rng, two.rng)
        XCTAssertEqual(calls.value, 1)
    }
}

/// A counter shared by threads.
private final class Locked: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
