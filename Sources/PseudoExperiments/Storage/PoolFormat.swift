/// The constants and column layout of the binary pool format, version 1.
///
/// A pool file holds an ``EventTable`` as a sequence of row blocks, each column of each block
/// compressed on its own with zlib, followed by a free-form JSON metadata block, a directory of
/// the blocks and a trailer with a whole-file checksum. The format is specified byte by byte in
/// `datasets-spec/pool-format-v1.md`; this type is its single source of constants.
///
/// Choices and why:
/// - Row blocks let a writer stream pools larger than memory and a reader iterate them block by
///   block; the writer cuts blocks of exactly ``defaultBlockRows`` rows whatever the chunks it is
///   given, so the same table gives the same bytes however it was appended.
/// - Float columns are byte-shuffled (all first bytes, then all second bytes, ...) before
///   deflate: the exponent bytes of physics values repeat a lot, and shuffling lets deflate see
///   that. It roughly halves the compressed size at no cost in exactness.
/// - Compression level 1 (``defaultCompressionLevel``), written by the pool's own deflate
///   encoder (``PlaneDeflater``): one block per byte plane, Huffman-coded byte by byte, with
///   runs of repeated bytes as distance-1 matches where most bytes repeat, and stored as it is
///   where its byte entropy exceeds ``PoolBlockCodec/storedEntropyThreshold`` (7 bits per byte:
///   coding could save less than 1/8 of it). Shuffled float planes are either near-random (low
///   mantissa bytes, which no match finder helps) or skewed or repetitive (exponents, -25
///   markers, small integers), and Huffman coding of the bytes gets within 1% of zlib's level 1
///   on them (the simulator's columns: 57.5% of the raw bytes either way) at about a fifth of
///   its time (2.3 against 9 ns per byte). Levels 0 and 2...9 go through zlib (level 0 stores,
///   higher levels match harder, with the run-length strategy and the same stored planes).
///   Any zlib stream is valid in the format: these are the writer's choices, not part of the
///   file, and reading speed does not depend on them.
/// - CRC-32 (zlib's, hardware-fast) guards every region: the header, each column block, the
///   metadata, the directory and the whole file. A mismatch is reported and the data never used.
public enum PoolFormat {
    /// The format version this code writes and the only one it reads.
    public static let version: UInt16 = 1

    /// Rows per block the writer cuts by default (2^17): about 15 MB uncompressed per block,
    /// small enough to stream, large enough for deflate and per-column parallelism to pay.
    public static let defaultBlockRows = 131_072

    /// The largest block a file may declare (2^24 rows), a guard against absurd allocations.
    public static let maximumBlockRows = 1 << 24

    /// Compression level used by the writer by default: the built-in encoder (see the type's
    /// documentation).
    public static let defaultCompressionLevel: Int32 = 1

    /// The file's first 8 bytes: `0x89` then ASCII `FUQPOOL` (the high byte catches text-mode
    /// transfers, as in PNG).
    public static let magic: [UInt8] = [0x89, 0x46, 0x55, 0x51, 0x50, 0x4F, 0x4F, 0x4C]

    /// The file's last 8 bytes: `0x89` then ASCII `FUQEND` and a line feed.
    static let endMagic: [UInt8] = [0x89, 0x46, 0x55, 0x51, 0x45, 0x4E, 0x44, 0x0A]

    /// The directory's first 4 bytes: ASCII `FDIR`.
    static let directoryMagic: [UInt8] = [0x46, 0x44, 0x49, 0x52]

    /// Size of the fixed trailer: directory offset (8), file CRC-32 (4), reserved (4), end magic (8).
    static let trailerSize = 24

    /// How a column's values are stored.
    enum ColumnType: UInt8 {
        /// Float32 values, little-endian bit patterns, byte-shuffled.
        case float32Shuffled = 1
        /// One byte per row: the process code (`PhysicsProcess.code`).
        case processCode = 2

        var bytesPerRow: Int { self == .float32Shuffled ? 4 : 1 }
    }

    /// One column of the file schema.
    struct Column: Equatable {
        var name: String
        var type: ColumnType
    }

    /// The columns of a version-1 pool, in file order: the 28 features in record order,
    /// `weights`, then `detailed_labels` as process codes. `labels` derives from the process.
    static let columns: [Column] =
        Feature.allCases.map { Column(name: $0.rawValue, type: .float32Shuffled) }
        + [Column(name: "weights", type: .float32Shuffled),
           Column(name: "detailed_labels", type: .processCode)]

    /// Index of the weights column in ``columns``.
    static let weightsColumn = Feature.allCases.count
    /// Index of the process column in ``columns``.
    static let processColumn = Feature.allCases.count + 1

    /// Whether a Float32 bit pattern is NaN or infinite (all exponent bits set).
    @inline(__always)
    static func isNonFinite(_ bits: UInt32) -> Bool { bits & 0x7F80_0000 == 0x7F80_0000 }
}
