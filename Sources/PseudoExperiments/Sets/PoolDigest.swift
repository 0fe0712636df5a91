import Foundation

/// A fingerprint of a pool's content (its rows, column by column), independent of how the pool
/// is stored: the same rows give the same digest whether they come from a pool file of any block
/// size and compression, a CSV file or memory. Set manifests record it, and a pool whose digest
/// differs from the manifest's is refused.
///
/// Definition (version 1), over the 30 columns of `pool-format-v1.md` in their order (the 28
/// features and `weights` as Float32 little-endian bytes, `detailed_labels` as one process-code
/// byte per row), with the rows cut into chunks of 65,536 (the last one shorter):
/// ```
/// entry(c) = u32 rows of chunk c || for each column k: u32 CRC-32 of column k's bytes in chunk c
/// digest   = SHA-256("fair-uq-bench pool content v1\n" || entry(0) || ... || entry(C-1) || u64 rows)
/// ```
/// integers little-endian, CRC-32 as zlib's. The per-chunk CRCs make the fingerprint fast enough
/// for pools of tens of millions of rows (~GB/s, where SHA-256 over every byte would take tens of
/// seconds); what it guards against is a different or altered pool, by accident (a chance of
/// about 2^-32 per chunk and column for two different chunks to agree), not a forgery.
public struct PoolDigest: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Lower-case hexadecimal SHA-256, 64 characters.
    public let hex: String

    public init(hex: String) { self.hex = hex }

    public var description: String { hex }

    public init(from decoder: Decoder) throws {
        hex = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }

    /// The digest of a whole table.
    public static func of(_ table: EventTable) -> PoolDigest {
        var builder = Builder()
        builder.append(table)
        return builder.finish()
    }

    /// Computes a digest from tables appended in row order.
    public struct Builder {
        /// Rows per chunk (part of the definition).
        public static let chunkRows = 65_536
        static let header = "fair-uq-bench pool content v1\n"

        private var hasher = SHA256()
        private var running = [UInt32](repeating: 0, count: Feature.allCases.count + 2)
        private var rowsInChunk = 0
        private var rows = 0

        public init() {
            hasher.update(Data(Self.header.utf8))
        }

        /// Feeds the next rows.
        public mutating func append(_ table: EventTable) {
            var start = 0
            while start < table.count {
                let take = min(Self.chunkRows - rowsInChunk, table.count - start)
                feed(table, start..<(start + take))
                rowsInChunk += take
                rows += take
                start += take
                if rowsInChunk == Self.chunkRows { closeChunk() }
            }
        }

        /// The digest of all rows fed.
        public mutating func finish() -> PoolDigest {
            if rowsInChunk > 0 { closeChunk() }
            var w = ByteWriter(capacity: 8)
            w.append(UInt64(rows))
            hasher.update(w.bytes)
            return PoolDigest(hex: hasher.finalize().hex)
        }

        /// Continues the CRC of every column over `range` (within one chunk), columns in parallel.
        private mutating func feed(_ table: EventTable, _ range: Range<Int>) {
            let features = Feature.allCases.count
            let columns = features + 2
            var crcs = running
            crcs.withUnsafeMutableBufferPointer { out in
                let slots = SendableSlots(out)
                let body = { (k: Int) in
                    switch k {
                    case features + 1:
                        table.processCodes[range].withUnsafeBytes { slots.buffer[k] = Zlib.crc32($0, continuing: slots.buffer[k]) }
                    case features:
                        table.weights[range].withUnsafeBytes { slots.buffer[k] = Zlib.crc32($0, continuing: slots.buffer[k]) }
                    default:
                        table.columns[k][range].withUnsafeBytes { slots.buffer[k] = Zlib.crc32($0, continuing: slots.buffer[k]) }
                    }
                }
                if range.count >= 4096 {
                    DispatchQueue.concurrentPerform(iterations: columns, execute: body)
                } else {
                    for k in 0..<columns { body(k) }
                }
            }
            running = crcs
        }

        private mutating func closeChunk() {
            var w = ByteWriter(capacity: 4 + 4 * running.count)
            w.append(UInt32(rowsInChunk))
            for crc in running { w.append(crc) }
            hasher.update(w.bytes)
            running = [UInt32](repeating: 0, count: running.count)
            rowsInChunk = 0
        }
    }
}

#if _endian(big)
#error("PoolDigest hashes Float32 columns through their in-memory bytes, which are little-endian only on little-endian hosts.")
#endif
