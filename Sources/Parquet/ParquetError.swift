import Foundation

/// Why a Parquet file cannot be read or written. Every case names the file and, where it
/// applies, the column and row group, and says what to do.
public enum ParquetError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Not a Parquet file (no `PAR1` magic at both ends), or cut short.
    case notParquet(file: String, detail: String)
    /// Inconsistent bytes: metadata, page headers or encoded values that do not decode.
    case corrupt(file: String, detail: String)
    /// A feature the reader does not implement (an encoding, a codec, a nested schema).
    case unsupported(file: String, column: String?, detail: String)
    /// A column the caller needs is absent.
    case missingColumn(file: String, column: String, available: [String])
    /// A column of a type the caller cannot use.
    case wrongType(file: String, column: String, found: String, expected: String)
    /// A null where a value is required.
    case null(file: String, column: String, rowGroup: Int, row: Int)
    /// A value a caller cannot use (a NaN feature, a negative weight, an unknown label).
    case badValue(file: String, column: String, rowGroup: Int, row: Int, value: String, rule: String)
    /// A page or a column chunk that does not decode.
    case badPage(file: String, column: String, rowGroup: Int, detail: String)
    /// The file cannot be opened, read or written.
    case io(file: String, action: String, reason: String)

    public var description: String {
        switch self {
        case let .notParquet(file, detail):
            return "'\(file)' is not a Parquet file: \(detail). Give a file written by pyarrow, pandas, polars or Spark (it starts and ends with PAR1)."
        case let .corrupt(file, detail):
            return "Parquet file '\(file)' is corrupt: \(detail). Copy it again or write it anew; nothing was imported from it."
        case let .unsupported(file, column, detail):
            return "Parquet file '\(file)'\(column.map { ", column '\($0)'" } ?? ""): \(detail) is not supported. Write the file with pyarrow (`df.to_parquet(path)`, flat columns, codec snappy, gzip, zstd or none)."
        case let .missingColumn(file, column, available):
            return "Parquet file '\(file)' has no column '\(column)' (it has \(available.prefix(40).joined(separator: ", "))\(available.count > 40 ? ", ..." : "")). Add the column, or rename it to the FAIR Universe name."
        case let .wrongType(file, column, found, expected):
            return "Parquet file '\(file)', column '\(column)': values of type \(found), expected \(expected). Convert the column (e.g. `df[col].astype('float32')`) and write the file again."
        case let .null(file, column, rowGroup, row):
            return "Parquet file '\(file)', column '\(column)', row group \(rowGroup), row \(row) of the group: a null, where every event needs a value. Fill or drop such rows (`df.dropna()`) and write the file again."
        case let .badValue(file, column, rowGroup, row, value, rule):
            return "Parquet file '\(file)', column '\(column)', row group \(rowGroup), row \(row) of the group: \(value) is not \(rule). Fix or drop that row and write the file again; nothing was imported from it."
        case let .badPage(file, column, rowGroup, detail):
            return "Parquet file '\(file)', column '\(column)', row group \(rowGroup): \(detail). The file is damaged; copy it again or write it anew; nothing was imported from it."
        case let .io(file, action, reason):
            return "Could not \(action) '\(file)': \(reason). Check that the path exists and is readable (or writable), and that the disk is not full."
        }
    }

    public var errorDescription: String? { description }
}
