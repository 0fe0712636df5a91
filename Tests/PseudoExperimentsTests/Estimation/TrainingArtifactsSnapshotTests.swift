import Foundation
import PseudoExperiments
import XCTest

/// Saved training results: a snapshot preloaded elsewhere gives every step's value and
/// generator state without computing it, bit for bit; what cannot be decoded says so.
final class TrainingArtifactsSnapshotTests: XCTestCase {
    /// A value with the numbers that are easy to lose: -0, infinities, the smallest subnormal,
    /// NaN, and floats of every kind.
    private struct Awkward: Codable, Equatable, Sendable {
        var doubles: [Double]
        var floats: [Float]
        var name: String
        var rows: Data
    }

    private static let awkward = Awkward(
        doubles: [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .pi, -1e-300,
                  .nan, 1.0 / 3],
        floats: [-0.0, .infinity, .leastNonzeroMagnitude, .nan, 0.1],
        name: "awkward", rows: RawArrayCoding.data([Int32.min, -1, 0, 7, .max]))

    /// Draws from the generator so that the state after the step differs from the state before.
    private func awkwardStep(_ rng: inout SeededGenerator) -> Awkward {
        var value = Self.awkward
        value.doubles.append(rng.nextUnitDouble())
        return value
    }

    private func failIfComputed<T>(_ rng: inout SeededGenerator) -> T {
        XCTFail("a preloaded step was computed")
        fatalError("computed a preloaded step")
    }

    func testAPreloadedSnapshotGivesTheValuesAndGeneratorStatesWithoutComputing() throws {
        let original = TrainingArtifacts()
        var first = SeededGenerator(seed: 21), second = SeededGenerator(seed: 22)
        let value = try original.value("awkward", rng: &first) { awkwardStep(&$0) }
        let number = try original.value("number", rng: &second) { $0.next() }
        let bytes = try original.snapshot().encoded()
        XCTAssertEqual(try original.snapshot().encoded(), bytes, "the same results give the same bytes")

        let loaded = TrainingArtifacts()
        loaded.preload(try TrainingArtifactsSnapshot(decoding: bytes))
        XCTAssertEqual(loaded.count, 2)
        var again1 = SeededGenerator(seed: 21), again2 = SeededGenerator(seed: 22)
        let back: Awkward = try loaded.value("awkward", rng: &again1, compute: failIfComputed)
        let backNumber: UInt64 = try loaded.value("number", rng: &again2, compute: failIfComputed)
        XCTAssertEqual(back.doubles.map(\.bitPattern), value.doubles.map(\.bitPattern).map { $0 == Double.nan.bitPattern ? $0 : $0 },
                       "every double bit for bit (the NaN is the canonical one)")
        XCTAssertTrue(back.doubles[8].isNaN)
        XCTAssertEqual(back.floats.map(\.bitPattern), value.floats.map(\.bitPattern))
        XCTAssertEqual(back.name, value.name)
        XCTAssertEqual(try RawArrayCoding.int32s(back.rows, field: "rows"), [Int32.min, -1, 0, 7, .max])
        XCTAssertEqual(backNumber, number)
        XCTAssertEqual(again1, first, "the generator ends where the computation left it")
        XCTAssertEqual(again2, second)
        XCTAssertEqual(loaded.computedSteps, 0)

        // Another generator state is another step: computed.
        var other = SeededGenerator(seed: 23)
        XCTAssertEqual(try loaded.value("number", rng: &other) { _ in UInt64(5) }, 5)
        XCTAssertEqual(loaded.computedSteps, 1)
    }

    func testARecorderSavesOnlyTheResultsItsCallerUsed() throws {
        let shared = TrainingArtifacts()
        let one = shared.recorder(), two = shared.recorder()
        var a = SeededGenerator(seed: 1), b = SeededGenerator(seed: 1), c = SeededGenerator(seed: 2)
        _ = try one.value("common", rng: &a) { $0.next() }
        _ = try two.value("common", rng: &b) { _ -> UInt64 in XCTFail("shared: computed once"); return 0 }
        _ = try two.value("own", rng: &c) { $0.next() }
        XCTAssertEqual(try one.snapshot().entries.map(\.step), ["Swift.UInt64|common"])
        XCTAssertEqual(try two.snapshot().entries.map(\.step), ["Swift.UInt64|common", "Swift.UInt64|own"])
        XCTAssertEqual(try shared.snapshot().entries.count, 2)
        XCTAssertEqual(shared.computedSteps, 2)
    }

    func testUndecodableBytesAndValuesAreReported() throws {
        XCTAssertThrowsError(try TrainingArtifactsSnapshot(decoding: Data("not a snapshot".utf8))) { error in
            guard case TrainingArtifactsError.undecodableSnapshot = error else { return XCTFail("\(error)") }
        }
        // A value saved as one type, asked for as another of the same key (an older harness's type).
        let original = TrainingArtifacts()
        var rng = SeededGenerator(seed: 4)
        _ = try original.value("step", rng: &rng) { _ in "text" }
        var snapshot = try original.snapshot()
        snapshot.entries[0].step = "Swift.Int|step"
        let loaded = TrainingArtifacts()
        loaded.preload(try TrainingArtifactsSnapshot(decoding: try snapshot.encoded()))
        var again = SeededGenerator(seed: 4)
        XCTAssertThrowsError(try loaded.value("step", rng: &again) { _ -> Int in XCTFail("computed"); return 0 }) { error in
            guard case let TrainingArtifactsError.undecodableValue(step, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(step, "Swift.Int|step")
        }
        XCTAssertEqual(again, SeededGenerator(seed: 4), "the generator is left alone")
    }

    func testRawArraysKeepEveryBit() throws {
        let floats: [Float] = [.nan, Float(bitPattern: 0x7fc0_1234), -0.0, .infinity, 1.5]
        let back = try RawArrayCoding.floats(RawArrayCoding.data(floats), field: "f")
        XCTAssertEqual(back.map(\.bitPattern), floats.map(\.bitPattern), "NaN payloads too")
        XCTAssertThrowsError(try RawArrayCoding.int32s(Data([1, 2, 3]), field: "rows of role 0")) { error in
            XCTAssertTrue("\(error)".contains("rows of role 0"), "\(error)")
        }
    }
}
