import Foundation

/// Why a pool, a set directory or a truth file could not be used or written.
///
/// Every case names the file, row, field or index concerned and its description says what to
/// do. Nothing half-written is ever left looking valid: directories and files are written under
/// temporary names and renamed when complete.
public enum SetError: Error, CustomStringConvertible, LocalizedError {
    /// A pool value that the pseudo-experiment records cannot hold exactly.
    case poolValueNotStorable(row: Int, field: String, value: Float, rule: String)
    /// A pool file whose rows cannot be used (a missing process, a bad weight, ...).
    case unusablePool(file: String, reason: String)

    public var description: String {
        switch self {
        case let .poolValueNotStorable(row, field, value, rule):
            return "Pool row \(row), \(field): the value \(value) is not \(rule), which pseudo-experiments require. Fix or drop that row of the pool."
        case let .unusablePool(file, reason):
            return "Pool '\(file)' cannot be used for pseudo-experiments: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
