import XCTest
@testable import PseudoExperiments

final class ViewStreamerTests: XCTestCase {
    /// Tiles of any size streamed into columns that start anywhere in a cache line give the
    /// plain copy: every view value and provenance entry, and nothing past the rows appended.
    func testStreamedTilesEqualThePlainCopy() {
        var rng = SeededGenerator(seed: 31)
        let columns = Feature.allCases.count, tileRows = 64
        for columnStride in [1, 7, 64, 1000, 1013] {
            // Random tiles: each keeps some of its rows, in a random order.
            var tiles: [(output: TransformedEvents, poolRows: [Int32], codes: [UInt8])] = []
            var total = 0
            while true {
                let rows = 1 + rng.nextInt(below: tileRows)
                var output = TransformedEvents()
                output.reset(rows: rows)
                let kept = min(rng.nextInt(below: rows + 1), columnStride - total)
                for k in 0..<kept { output.rows[k] = Int32(rng.nextInt(below: rows)) }
                for f in 0..<columns {
                    for k in 0..<kept { output.storage[f * output.capacity + k] = Float(rng.nextInt(below: 1 << 20)) }
                }
                output.count = kept
                let poolRows = (0..<rows).map { _ in Int32(rng.nextInt(below: 1 << 30)) }
                let codes = (0..<rows).map { _ in UInt8(rng.nextInt(below: 256)) }
                tiles.append((output, poolRows, codes))
                total += kept
                if total == columnStride || tiles.count == 50 { break }
            }

            // One spare value before the view, so that its columns start off the line boundary.
            var view = [Float](repeating: -1, count: 1 + columns * columnStride)
            var poolRows = [Int32](repeating: -1, count: 1 + columnStride)
            var codes = [UInt8](repeating: 255, count: 1 + columnStride)
            let scratchBytes = ViewStreamer.scratchBytes(columns: columns, tileRows: tileRows)
            withUnsafeTemporaryAllocation(byteCount: scratchBytes, alignment: 64) { scratch in
                view.withUnsafeMutableBufferPointer { v in
                    poolRows.withUnsafeMutableBufferPointer { p in
                        codes.withUnsafeMutableBufferPointer { c in
                            var streamer = ViewStreamer(view: v.baseAddress! + 1, columns: columns, columnStride: columnStride,
                                                        poolRows: p.baseAddress! + 1, codes: c.baseAddress! + 1,
                                                        scratch: scratch, tileRows: tileRows)
                            for tile in tiles {
                                tile.poolRows.withUnsafeBufferPointer { r in
                                    tile.codes.withUnsafeBufferPointer { c in
                                        streamer.append(tile.output, poolRowsOfTile: r.baseAddress!, codesOfTile: c.baseAddress!)
                                    }
                                }
                            }
                            streamer.finish()
                            XCTAssertEqual(streamer.count, total)
                        }
                    }
                }
            }

            var expectedView = [Float](repeating: -1, count: 1 + columns * columnStride)
            var expectedRows = [Int32](repeating: -1, count: 1 + columnStride)
            var expectedCodes = [UInt8](repeating: 255, count: 1 + columnStride)
            var row = 0
            for tile in tiles {
                for k in 0..<tile.output.count {
                    for f in 0..<columns {
                        expectedView[1 + f * columnStride + row] = tile.output.storage[f * tile.output.capacity + k]
                    }
                    expectedRows[1 + row] = tile.poolRows[Int(tile.output.rows[k])]
                    expectedCodes[1 + row] = tile.codes[Int(tile.output.rows[k])]
                    row += 1
                }
            }
            XCTAssertEqual(view, expectedView, "column stride \(columnStride)")
            XCTAssertEqual(poolRows, expectedRows, "column stride \(columnStride)")
            XCTAssertEqual(codes, expectedCodes, "column stride \(columnStride)")
        }
    }
}
