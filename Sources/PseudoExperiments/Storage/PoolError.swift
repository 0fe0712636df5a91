/// Why a pool file could not be written or read.
///
/// Every case names the file and, where it applies, the block, column and row, and its
/// description says what to do. A file whose checksum does not match is never used.
public enum PoolError: Error, CustomStringConvertible, LocalizedError {
    /// The file could not be opened, created, read or written (`reason` is the system's).
    case io(file: String, action: String, reason: String)
    /// The file ends before a complete pool: it was cut short or never finished.
    case truncated(file: String, detail: String)
    /// The file does not start with the pool magic bytes.
    case wrongMagic(file: String, found: [UInt8])
    /// The file is a pool of a format version this build cannot read.
    case unsupportedVersion(file: String, version: Int, supported: Int)
    /// A region's stored CRC-32 differs from the CRC-32 of its bytes.
    case checksumMismatch(file: String, region: String, stored: UInt32, computed: UInt32)
    /// A column block's compressed stream does not inflate to the expected bytes.
    case corruptStream(file: String, block: Int, column: String, detail: String)
    /// The header or directory is self-inconsistent (offsets, lengths, counts, column schema).
    case corruptLayout(file: String, detail: String)
    /// A row carries a process code that is not a ``PhysicsProcess``.
    case unknownProcessCode(file: String, block: Int?, row: Int, code: UInt8)
    /// A feature or weight is NaN or infinite.
    case nonFiniteValue(file: String, block: Int?, column: String, row: Int, value: Float)
    /// The metadata is not a JSON object, or does not decode as the requested type.
    case badMetadata(file: String, detail: String)

    public var description: String {
        switch self {
        case let .io(file, action, reason):
            let advice = action == "open" || action == "read"
                ? "Check the path and that the file is readable."
                : "Check that the directory exists and is writable, and that the disk is not full."
            return "Could not \(action) pool file '\(file)': \(reason). \(advice)"
        case let .truncated(file, detail):
            return "Pool file '\(file)' is truncated (\(detail)): it was cut short or its writer never finished. Re-create it (e.g. with `bench simulate`) or copy it again."
        case let .wrongMagic(file, found):
            let hex = found.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            return "File '\(file)' is not a pool file (it starts with bytes [\(hex)], not 89 46 55 51 50 4F 4F 4C). Pass a pool written by `bench simulate`, or a .csv file where a CSV is accepted."
        case let .unsupportedVersion(file, version, supported):
            return "Pool file '\(file)' has format version \(version), but this build reads version \(supported) only. Use a bench build that reads version \(version), or re-create the pool with this build."
        case let .checksumMismatch(file, region, stored, computed):
            return "Pool file '\(file)' is corrupt: the checksum of \(region) does not match (stored \(hex32(stored)), computed \(hex32(computed))); the data was not used. Re-create the file or restore an intact copy."
        case let .corruptStream(file, block, column, detail):
            return "Pool file '\(file)' is corrupt: block \(block), column \(column) does not decompress (\(detail)). Re-create the file or restore an intact copy."
        case let .corruptLayout(file, detail):
            return "Pool file '\(file)' is corrupt: \(detail). Re-create the file or restore an intact copy."
        case let .unknownProcessCode(file, block, row, code):
            return "Pool file '\(file)'\(blockText(block)), row \(row) has process code \(code), which is none of htautau 0, ztautau 1, ttbar 2, diboson 3. Fix the process of that row and write the pool again."
        case let .nonFiniteValue(file, block, column, row, value):
            return "Pool file '\(file)'\(blockText(block)), row \(row), column \(column) holds \(value); pools hold finite values only (-25 marks an undefined feature). Fix or drop that row and write the pool again."
        case let .badMetadata(file, detail):
            return "Pool file '\(file)' has unusable metadata: \(detail). Write the pool with a JSON object as its metadata."
        }
    }

    public var errorDescription: String? { description }

    private func hex32(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }

    private func blockText(_ block: Int?) -> String {
        block.map { ", block \($0)" } ?? ""
    }
}

import Foundation
