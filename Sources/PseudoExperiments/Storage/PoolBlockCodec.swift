import Foundation

/// Encodes a range of rows of an ``EventTable`` into the compressed column streams of one pool
/// block, and decodes them back.
///
/// Float columns are byte-shuffled before deflate (see ``PoolFormat``):
/// ```
/// shuffled[k * n + i] = byte k of the little-endian bit pattern of value i    (k = 0...3)
/// ```
/// Columns are compressed and decompressed in parallel (they are independent streams).
enum PoolBlockCodec {
    /// One compressed column stream and the CRC-32 of its bytes.
    struct EncodedColumn {
        var bytes: [UInt8]
        var crc: UInt32
    }

    /// The compressed columns of rows `range` of `table`, in ``PoolFormat/columns`` order.
    static func encode(_ table: EventTable, rows range: Range<Int>, level: Int32) -> [EncodedColumn] {
        let columnCount = PoolFormat.columns.count
        let results = UnsafeMutableBufferPointer<EncodedColumn>.allocate(capacity: columnCount)
        results.initialize(repeating: EncodedColumn(bytes: [], crc: 0))
        defer { results.deinitialize(); results.deallocate() }
        let slot = SendableSlots(results)
        DispatchQueue.concurrentPerform(iterations: columnCount) { c in
            let raw: [UInt8]
            switch c {
            case PoolFormat.processColumn:
                raw = Array(table.processCodes[range])
            case PoolFormat.weightsColumn:
                raw = shuffle(table.weights[range])
            default:
                raw = shuffle(table.columns[c][range])
            }
            let bytesPerRow = PoolFormat.columns[c].type.bytesPerRow
            let compressed = raw.withUnsafeBytes { input -> [UInt8] in
                if level == PoolFormat.defaultCompressionLevel {
                    let n = raw.count / bytesPerRow
                    return PlaneDeflater.deflate(input, planes: (0..<bytesPerRow).map { _ in (n, nil) })
                }
                return Zlib.deflate(input, segments: planes(raw, bytesPerRow: bytesPerRow), level: level)
            }
            slot.buffer[c] = EncodedColumn(bytes: compressed, crc: Zlib.crc32(compressed))
        }
        return Array(results)
    }

    /// Decodes the column streams of one block (`streams[c]` is column c's compressed bytes,
    /// already checked against its CRC) into a table of `rows` rows, checking every value.
    ///
    /// - Parameters:
    ///   - firstRow: the block's first row in the file, for error messages.
    static func decode(streams: [ArraySlice<UInt8>], rows: Int, file: String, block: Int,
                       firstRow: Int) throws -> EventTable {
        let columnCount = PoolFormat.columns.count
        precondition(streams.count == columnCount, "a block has \(columnCount) streams, got \(streams.count)")
        var floats = [[Float]](repeating: [], count: columnCount - 1)
        var codes = [UInt8]()
        var failures = [PoolError?](repeating: nil, count: columnCount)
        floats.withUnsafeMutableBufferPointer { floatSlots in
            failures.withUnsafeMutableBufferPointer { failureSlots in
                let fs = SendableSlots(floatSlots), es = SendableSlots(failureSlots)
                let codesBox = SendableBox<[UInt8]>([])
                DispatchQueue.concurrentPerform(iterations: columnCount) { c in
                    let column = PoolFormat.columns[c]
                    do {
                        var raw = [UInt8](repeating: 0, count: rows * column.type.bytesPerRow)
                        try streams[c].withUnsafeBytes { input in
                            try raw.withUnsafeMutableBytes { output in
                                do { try Zlib.inflate(input, into: output) } catch let e as Zlib.StreamError {
                                    throw PoolError.corruptStream(file: file, block: block, column: column.name,
                                                                  detail: e.message)
                                }
                            }
                        }
                        if column.type == .processCode {
                            if let bad = raw.firstIndex(where: { PhysicsProcess(code: $0) == nil }) {
                                throw PoolError.unknownProcessCode(file: file, block: block,
                                                                   row: firstRow + bad, code: raw[bad])
                            }
                            codesBox.value = raw
                        } else {
                            let values = unshuffle(raw, count: rows)
                            if let bad = firstNonFinite(values) {
                                throw PoolError.nonFiniteValue(file: file, block: block, column: column.name,
                                                               row: firstRow + bad, value: values[bad])
                            }
                            fs.buffer[c] = values
                        }
                    } catch {
                        es.buffer[c] = error as? PoolError
                            ?? .corruptStream(file: file, block: block, column: column.name, detail: "\(error)")
                    }
                }
                codes = codesBox.value
            }
        }
        // Report the first failing column in file order, so the message does not depend on timing.
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        let weights = floats.remove(at: PoolFormat.weightsColumn)
        return EventTable(columns: floats, weights: weights, processCodes: codes)
    }

    /// The byte planes of a shuffled column, each marked stored when deflate could not shrink
    /// it by more than 1/8: when its byte entropy exceeds 7 bits per byte
    /// ```
    /// H = -sum_b p_b log2 p_b,   p_b = (count of byte value b) / n
    /// ```
    /// (Huffman coding cannot beat H; runs are rare in such planes). Low mantissa bytes of
    /// measured values are near 8 bits; exponent bytes, -25 markers and small integers far below.
    static func planes(_ raw: [UInt8], bytesPerRow: Int) -> [(count: Int, stored: Bool)] {
        let n = raw.count / bytesPerRow
        return (0..<bytesPerRow).map { k in
            let histogram = raw.withUnsafeBufferPointer { PlaneDeflater.statistics(UnsafeBufferPointer(rebasing: $0[k * n..<(k + 1) * n])).histogram }
            return (n, PlaneDeflater.entropy(histogram, count: n) > storedEntropyThreshold)
        }
    }

    /// Bits per byte above which a plane is stored rather than deflated (see ``planes(_:bytesPerRow:)``).
    ///
    /// Measured on 1 M rows of synthetic 3-decimal values (release, zlib 1.2.13): threshold
    /// 8 (never store) 66.9% of raw size, write 1.63 s / read 1.00 s CPU; 7.0: 69.2%,
    /// 1.29 s / 0.82 s; 6.0: 76.8%, 0.70 s / 0.49 s. 7.0 keeps the file within 3% of full
    /// compression.
    static let storedEntropyThreshold = 7.0

    /// Index of the first NaN or infinite value, if any.
    static func firstNonFinite<C: Collection>(_ values: C) -> C.Index? where C.Element == Float {
        // A branch-free scan first (vectorises); the index is looked up only on failure.
        var any = false
        for v in values { any = any || PoolFormat.isNonFinite(v.bitPattern) }
        guard any else { return nil }
        return values.firstIndex { PoolFormat.isNonFinite($0.bitPattern) }
    }

    /// The byte-shuffled little-endian bit patterns of `values`.
    static func shuffle(_ values: ArraySlice<Float>) -> [UInt8] {
        let n = values.count
        return [UInt8](unsafeUninitializedCapacity: 4 * n) { o, initialized in
            values.withUnsafeBufferPointer { v in
                for i in 0..<n {
                    let b = v[i].bitPattern
                    o[i] = UInt8(truncatingIfNeeded: b)
                    o[n + i] = UInt8(truncatingIfNeeded: b >> 8)
                    o[2 * n + i] = UInt8(truncatingIfNeeded: b >> 16)
                    o[3 * n + i] = UInt8(truncatingIfNeeded: b >> 24)
                }
            }
            initialized = 4 * n
        }
    }

    /// The `count` values whose byte-shuffled bit patterns are `bytes`.
    static func unshuffle(_ bytes: [UInt8], count n: Int) -> [Float] {
        precondition(bytes.count == 4 * n, "\(bytes.count) bytes cannot hold \(n) shuffled floats")
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            bytes.withUnsafeBufferPointer { b in
                for i in 0..<n {
                    let bits = UInt32(b[i]) | UInt32(b[n + i]) << 8 | UInt32(b[2 * n + i]) << 16
                        | UInt32(b[3 * n + i]) << 24
                    out[i] = Float(bitPattern: bits)
                }
            }
            initialized = n
        }
    }
}

/// Distinct slots of a buffer written by concurrent iterations (each iteration owns one index).
struct SendableSlots<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}

/// One value written by exactly one concurrent iteration and read after all have finished.
final class SendableBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
