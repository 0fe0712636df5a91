import Foundation
import PseudoExperiments

/// The event file of plugin protocol v1: a 64-byte header and raw little-endian columns that
/// `numpy.memmap` (or any `mmap`) reads in place.
///
/// ```
/// offset  size  field
///      0     8  magic 89 46 55 51 45 56 54 0A  ("\x89FUQEVT\n")
///      8     4  format version, u32 = 1
///     12     4  feature columns C, u32 = 28
///     16     8  rows R, u64
///     24     4  flags, u32: bit 0 = labelled (weights and process codes follow the features)
///     28    36  zero
///     64  4CR   features, Float32, column-major: feature f at 64 + 4 R f
///   64+4CR  4R  weights, Float32                   (labelled files only)
///   64+4(C+1)R R  process codes, u8: 0 htautau, 1 ztautau, 2 ttbar, 3 diboson   (labelled only)
/// ```
/// Features are in record order (`PRI_lep_pt` ... `DER_lep_eta_centrality`, the `features`
/// list of the `fit` and `load` messages), -25 marking an undefined value. A file may be longer
/// than its data (the host reuses one file per worker): readers take R from the header.
/// Training pools are labelled; the events of a pseudo-experiment (its sealed view) are not.
public enum PluginEventFile {
    public static let magic: [UInt8] = [0x89, 0x46, 0x55, 0x51, 0x45, 0x56, 0x54, 0x0A]
    public static let formatVersion: UInt32 = 1
    public static let headerBytes = 64
    /// Flag bit: weights and process codes follow the features.
    public static let labelledFlag: UInt32 = 1

    /// Bytes of a file with `rows` rows (header and data).
    public static func byteCount(rows: Int, labelled: Bool) -> Int {
        let c = Feature.allCases.count
        return headerBytes + 4 * c * rows + (labelled ? 5 * rows : 0)
    }

    /// Writes the header at `base`.
    static func writeHeader(rows: Int, labelled: Bool, to base: UnsafeMutableRawPointer) {
        let header = base.assumingMemoryBound(to: UInt8.self)
        header.initialize(repeating: 0, count: headerBytes)
        for (i, b) in magic.enumerated() { header[i] = b }
        base.storeBytes(of: formatVersion.littleEndian, toByteOffset: 8, as: UInt32.self)
        base.storeBytes(of: UInt32(Feature.allCases.count).littleEndian, toByteOffset: 12, as: UInt32.self)
        base.storeBytes(of: UInt64(rows).littleEndian, toByteOffset: 16, as: UInt64.self)
        base.storeBytes(of: (labelled ? labelledFlag : 0).littleEndian, toByteOffset: 24, as: UInt32.self)
    }

    /// Writes a sealed view into `file` (header and column-major features: one copy).
    /// Bytes after the data that an earlier, longer view left are zeroed (``MappedFile/cleared(after:)``).
    static func write(_ view: SealedView, into file: MappedFile) throws {
        let bytes = byteCount(rows: view.count, labelled: false)
        let base = try file.reserve(bytes)
        file.cleared(after: bytes)
        writeHeader(rows: view.count, labelled: false, to: base)
        var offset = headerBytes
        for f in Feature.allCases {
            view.withColumn(f) { src in
                if let s = src.baseAddress { (base + offset).copyMemory(from: s, byteCount: src.count * 4) }
            }
            offset += 4 * view.count
        }
    }

    /// Writes a labelled table (a training pool) to a new file at `url`.
    public static func write(_ table: EventTable, to url: URL) throws {
        let file = try MappedFile(url: url)
        let rows = table.count
        let base = try file.reserve(byteCount(rows: rows, labelled: true))
        writeHeader(rows: rows, labelled: true, to: base)
        var offset = headerBytes
        for column in table.columns {
            column.withUnsafeBytes { src in
                if let s = src.baseAddress { (base + offset).copyMemory(from: s, byteCount: src.count) }
            }
            offset += 4 * rows
        }
        table.weights.withUnsafeBytes { src in
            if let s = src.baseAddress { (base + offset).copyMemory(from: s, byteCount: src.count) }
        }
        offset += 4 * rows
        table.processCodes.withUnsafeBytes { src in
            if let s = src.baseAddress { (base + offset).copyMemory(from: s, byteCount: src.count) }
        }
        // The mapping was grown in 2 MiB units: cut the file to its data so it reads as written.
        if truncate(url.path, off_t(byteCount(rows: rows, labelled: true))) != 0 {
            throw PluginError.io(path: url.path, action: "truncate", reason: String(cString: strerror(errno)))
        }
    }

    /// What an event file's header says, once checked against this format.
    struct Header {
        var rows: Int
        var labelled: Bool

        struct Problem: Error {
            var reason: String
        }

        /// The header at the start of `bytes` (at least ``headerBytes`` of them), or why it is
        /// not one of a version-1 event file of the 28 features.
        static func parse(_ bytes: [UInt8]) -> Result<Header, Problem> {
            guard bytes.count >= headerBytes, Array(bytes[0..<8]) == magic else {
                return .failure(Problem(reason: "not a plugin event file (its first 8 bytes are not \\x89FUQEVT\\n)"))
            }
            func u32(_ at: Int) -> UInt32 { bytes[at..<at + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
            func u64(_ at: Int) -> UInt64 { bytes[at..<at + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
            guard u32(8) == formatVersion, Int(u32(12)) == Feature.allCases.count else {
                return .failure(Problem(reason: "event file version \(u32(8)) with \(u32(12)) columns; expected version \(formatVersion), \(Feature.allCases.count) columns"))
            }
            guard u64(16) <= UInt64(Int.max) else { return .failure(Problem(reason: "\(u64(16)) rows in its header")) }
            return .success(Header(rows: Int(u64(16)), labelled: u32(24) & labelledFlag != 0))
        }
    }

    /// The contents of an event file, read back (for tests and tools; plugins map the file).
    public struct Contents: Equatable, Sendable {
        public var rows: Int
        /// Column-major features, `28 * rows` values.
        public var features: [Float]
        public var weights: [Float]?
        public var processCodes: [UInt8]?
    }

    /// Reads a whole event file; throws ``PluginError/io(path:action:reason:)`` for a file that
    /// is not a version-1 event file or is shorter than its header says.
    public static func read(from url: URL) throws -> Contents {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PluginError.io(path: url.path, action: "read", reason: error.localizedDescription)
        }
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> PluginError { .io(path: url.path, action: "read", reason: reason) }
        let header: Header
        switch Header.parse(bytes) {
        case let .success(parsed): header = parsed
        case let .failure(problem): throw fail(problem.reason)
        }
        let c = Feature.allCases.count, rows = header.rows, labelled = header.labelled
        guard bytes.count >= byteCount(rows: rows, labelled: labelled) else { throw fail("file shorter than its \(rows) rows") }
        func floats(_ at: Int, _ n: Int) -> [Float] {
            bytes.withUnsafeBytes { raw in (0..<n).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 4 * $0, as: UInt32.self))) } }
        }
        let features = floats(headerBytes, c * rows)
        guard labelled else { return Contents(rows: rows, features: features, weights: nil, processCodes: nil) }
        let w = headerBytes + 4 * c * rows
        return Contents(rows: rows, features: features, weights: floats(w, rows),
                        processCodes: Array(bytes[(w + 4 * rows)..<(w + 5 * rows)]))
    }
}
