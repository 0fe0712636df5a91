import XCTest
@testable import PseudoExperiments

final class IndexSortAndGatherTests: XCTestCase {
    func testRadixSortEqualsStandardSortForEveryPassCount() {
        var rng = SeededGenerator(seed: 12)
        var scratch: [Int32] = []
        // Bounds needing 0, 1, 2 and 3 passes; sizes below and above the radix threshold.
        for bound in [1, 2, 2048, 100_000, 50_000_000, Int(Int32.max) + 1] {
            for n in [0, 1, 1000, 5000, 40_000] {
                var values = (0..<n).map { _ in Int32(rng.nextInt(below: bound)) }
                let expected = values.sorted()
                IndexSort.sort(&values, below: bound, scratch: &scratch)
                XCTAssertEqual(values, expected, "bound \(bound), n \(n)")
            }
        }
    }

    func testRadixSortWithRepeatsConstantDigitsAndALargerReusedScratch() {
        var scratch = [Int32](repeating: 7, count: 100_000)
        // All values share their high digits (those passes are skipped) and repeat a lot.
        var values = (0..<20_000).map { Int32(40_000_000 + ($0 * 7919) % 300) }
        let expected = values.sorted()
        IndexSort.sort(&values, below: 50_000_000, scratch: &scratch)
        XCTAssertEqual(values, expected)
        XCTAssertEqual(values.count, 20_000)
        // Already sorted input stays sorted.
        IndexSort.sort(&values, below: 50_000_000, scratch: &scratch)
        XCTAssertEqual(values, expected)
    }

    func testGatherCopiesWholeRowsInIndexOrderIncludingRepeats() {
        let stride = 3
        let records: [Float] = (0..<(10 * stride)).map { Float($0) }
        let indices: [Int32] = [0, 2, 2, 2, 7, 9]
        let out = SortedGather.gather(indices, from: records, stride: stride)
        XCTAssertEqual(out, indices.flatMap { i in (0..<stride).map { records[Int(i) * stride + $0] } })
        XCTAssertEqual(SortedGather.gather([], from: records, stride: stride), [])
        // Any bitwise-copyable element type, e.g. a byte column (stride 1).
        let codes: [UInt8] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
        XCTAssertEqual(SortedGather.gather(indices, from: codes, stride: 1), [3, 4, 4, 4, 6, 3])
    }

    func testGatherOfASampledPseudoExperiment() throws {
        // End to end: draw from a pool, gather its records, check each gathered row is its source.
        let n = 3000, stride = 5
        var rng = SeededGenerator(seed: 9)
        let weights = (0..<n).map { _ in Float(rng.nextDouble(in: 0.1, 2)) }
        let codes = (0..<n).map { UInt8($0 % 4) }
        let records = (0..<(n * stride)).map { Float($0 / stride) + Float($0 % stride) / 10 }
        let rows = try PoolSampler(weights: weights, processCodes: codes).draw(mu: 1, nuisances: .nominal, using: &rng)
        let gathered = SortedGather.gather(rows, from: records, stride: stride)
        XCTAssertEqual(gathered.count, rows.count * stride)
        for (j, r) in rows.enumerated() {
            for c in 0..<stride { XCTAssertEqual(gathered[j * stride + c], Float(r) + Float(c) / 10) }
        }
    }
}
