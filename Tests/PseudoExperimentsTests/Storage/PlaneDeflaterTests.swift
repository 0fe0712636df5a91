import XCTest
@testable import PseudoExperiments

/// The pool writer's own deflate encoder: zlib's inflate reads back every stream exactly, in
/// every mode and on degenerate planes, and the files are as small as zlib level 1 makes them.
final class PlaneDeflaterTests: XCTestCase {
    /// Deflates `bytes` as `planes` and inflates it with zlib; returns the stream size.
    @discardableResult
    func roundTrip(_ bytes: [UInt8], _ planes: [(count: Int, mode: PlaneDeflater.Mode?)],
                   file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let stream = bytes.withUnsafeBytes { PlaneDeflater.deflate($0, planes: planes) }
        var back = [UInt8](repeating: 0, count: bytes.count)
        try stream.withUnsafeBytes { s in try back.withUnsafeMutableBytes { try Zlib.inflate(s, into: $0) } }
        XCTAssertEqual(back, bytes, "round trip of \(bytes.count) bytes as \(planes.map { $0.mode as Any })", file: file, line: line)
        return stream.count
    }

    func testEveryModeRoundTripsOnDegenerateAndTypicalPlanes() throws {
        var rng = SeededGenerator(seed: 1)
        var fibonacci: [UInt8] = []   // 25 symbols of Fibonacci frequencies: optimal codes over 15 bits
        var (a, b) = (1, 1)
        for s in 0..<25 { fibonacci += [UInt8](repeating: UInt8(s), count: a); (a, b) = (b, a + b) }
        let inputs: [[UInt8]] = [
            [], [7], [7, 7], [7, 7, 7, 7, 7], [UInt8](repeating: 0, count: 100_000),
            (0..<70_000).map { UInt8(truncatingIfNeeded: $0) },
            (0..<100_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) },
            (0..<100_000).map { _ in rng.nextUnitDouble() < 0.9 ? 5 : UInt8(truncatingIfNeeded: rng.next()) },
            (0..<3_000).map { UInt8($0 / 300) }, fibonacci,
        ]
        for input in inputs {
            for mode in [PlaneDeflater.Mode.stored, .literals, .runs, nil] as [PlaneDeflater.Mode?] {
                try roundTrip(input, [(input.count, mode)])
            }
            let third = input.count / 3
            try roundTrip(input, [(third, .runs), (third, .stored), (input.count - 2 * third, .literals)])
        }
    }

    func testStreamsNeverGrowMuchAndShrinkRepeatsAndSkewedBytes() throws {
        var rng = SeededGenerator(seed: 2)
        let random = (0..<131_072).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        // Near-random bytes: stored (5 bytes per 64 KiB block, plus the zlib header and check).
        XCTAssertLessThanOrEqual(try roundTrip(random, [(random.count, .literals)]), random.count + 5 * 3 + 6)
        let constant = [UInt8](repeating: 9, count: 131_072)
        XCTAssertLessThan(try roundTrip(constant, [(constant.count, nil)]), 600)
        // Two values, 90% / 10%, and the end-of-block symbol: codes of 1, 2 and 2 bits, 1.1 bits
        // per byte (Huffman coding cannot go below one bit per byte).
        let skewed = (0..<131_072).map { _ in rng.nextUnitDouble() < 0.9 ? UInt8(1) : 2 }
        XCTAssertLessThan(try roundTrip(skewed, [(skewed.count, .literals)]), Int(1.1 * 131_072 / 8) + 300)
    }

    /// On simulated events the pool columns come out as small as with zlib's level 1 (within 1%).
    func testSimulatedColumnsAreAsSmallAsWithZlib() throws {
        var table = ProcessGenerator.standard.block(of: .ztautau, rows: 6_000, seed: 3, weight: 0.5).table
        table.append(contentsOf: ProcessGenerator.standard.block(of: .htautau, rows: 4_000, seed: 4, weight: 0.001).table)
        let n = table.count
        let ours = PoolBlockCodec.encode(table, rows: 0..<n, level: PoolFormat.defaultCompressionLevel)
        let zlib = PoolBlockCodec.encode(table, rows: 0..<n, level: 2)
        let oursSize = ours.reduce(0) { $0 + $1.bytes.count }, zlibSize = zlib.reduce(0) { $0 + $1.bytes.count }
        XCTAssertLessThan(Double(oursSize), 1.01 * Double(zlibSize), "\(oursSize) bytes against zlib's \(zlibSize)")
        let back = try PoolBlockCodec.decode(streams: ours.map { $0.bytes[...] }, rows: n, file: "test", block: 0, firstRow: 0)
        XCTAssertEqual(back, table)
    }

    func testHuffmanCodesAreCompleteAndLimited() {
        var rng = SeededGenerator(seed: 5)
        for trial in 0..<200 {
            let limit = trial % 2 == 0 ? 15 : 7
            let symbols = limit == 15 ? 2 + rng.nextInt(below: 285) : 2 + rng.nextInt(below: 18)
            var frequencies = (0..<symbols).map { _ in rng.nextUnitDouble() < 0.3 ? 0 : 1 + rng.nextInt(below: 1 << rng.nextInt(below: 17)) }
            if trial % 10 == 0 { frequencies = (0..<symbols).map { $0 < 30 ? 1 << min($0, 20) : 0 } }   // very skewed
            let code = HuffmanCode(frequencies: frequencies, maximumLength: limit)
            let lengths = code.lengths.map(Int.init)
            XCTAssertLessThanOrEqual(lengths.max()!, limit)
            for (s, f) in frequencies.enumerated() where f > 0 { XCTAssertGreaterThan(lengths[s], 0, "used symbol \(s) has a code") }
            // Kraft sum exactly 1 (a complete code), with at least two codes.
            let kraft = lengths.filter { $0 > 0 }.reduce(0.0) { $0 + pow(2, -Double($1)) }
            XCTAssertEqual(kraft, 1, accuracy: 1e-12)
            XCTAssertGreaterThanOrEqual(lengths.filter { $0 > 0 }.count, 2)
        }
        // A single used symbol still gets a complete two-code code.
        XCTAssertEqual(HuffmanCode(frequencies: [0, 5, 0], maximumLength: 7).lengths.filter { $0 > 0 }.count, 2)
    }
}
