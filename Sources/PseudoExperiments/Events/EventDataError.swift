import Foundation

/// Why an event file could not be read (or written).
///
/// Every case names the file; cases about one cell name the 1-based line of the file, the
/// 0-based data row (the header is line 1, data row 0 is line 2) and the column.
public enum EventDataError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// The file could not be written.
    case unwritable(file: String, reason: String)
    /// The file is empty (no header line).
    case emptyFile(file: String)
    /// A required column is absent from the header.
    case missingColumn(file: String, column: String)
    /// Only some of the 12 DER columns are present.
    case partialDerivedColumns(file: String, missing: [String])
    /// The header names a column twice.
    case duplicateColumn(file: String, column: String)
    /// The header names a column that is not a FAIR Universe column.
    case unknownColumn(file: String, column: String)
    /// A line has a different number of fields than the header.
    case wrongFieldCount(file: String, line: Int, row: Int, expected: Int, found: Int)
    /// A cell of a numeric column is not a number.
    case nonNumeric(file: String, line: Int, row: Int, column: String, text: String)
    /// A cell is NaN or infinite.
    case nonFinite(file: String, line: Int, row: Int, column: String, text: String)
    /// A `detailed_labels` cell is not a known process.
    case unknownProcess(file: String, line: Int, row: Int, text: String)
    /// A `labels` cell disagrees with the row's `detailed_labels`.
    case labelMismatch(file: String, line: Int, row: Int, label: String, process: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "Cannot read event file \(file): \(sentence(reason)) Check the path and its permissions."
        case let .unwritable(file, reason):
            return "Cannot write event file \(file): \(sentence(reason)) Check that the directory exists and is writable."
        case let .emptyFile(file):
            return "Event file \(file) is empty. A CSV event file needs a header line naming its columns, then one line per event."
        case let .missingColumn(file, column):
            return "Event file \(file) has no column \(TerminalText.quoted(column)). Add it to the header; the FAIR Universe columns are "
                + "the 16 PRI_* columns, weights and detailed_labels (required), the 12 DER_* columns, labels and input_row (optional)."
        case let .partialDerivedColumns(file, missing):
            return "Event file \(file) has some DER_* columns but not \(missing.joined(separator: ", ")). "
                + "Give all 12 DER columns or none (missing DER columns are computed from the PRI columns)."
        case let .duplicateColumn(file, column):
            return "Event file \(file) names column \(TerminalText.quoted(column)) more than once in its header. Keep one of them."
        case let .unknownColumn(file, column):
            return "Event file \(file) has a column \(TerminalText.quoted(column)) that is not a FAIR Universe column. "
                + "Remove it (or fix its spelling); allowed are the 16 PRI_*, 12 DER_* columns, weights, detailed_labels, labels and input_row."
        case let .wrongFieldCount(file, line, row, expected, found):
            return "Event file \(file), line \(line) (data row \(row)): \(found) fields, but the header has \(expected). "
                + "Every line needs one value per header column, separated by commas."
        case let .nonNumeric(file, line, row, column, text):
            return "Event file \(file), line \(line) (data row \(row)), column \(column): \(TerminalText.quoted(text)) is not a number. "
                + "Write a decimal number such as 32.117 or -25.0."
        case let .nonFinite(file, line, row, column, text):
            return "Event file \(file), line \(line) (data row \(row)), column \(column): \(TerminalText.quoted(text)) is not finite. "
                + "Values must be finite numbers; use -25 for an undefined value."
        case let .unknownProcess(file, line, row, text):
            return "Event file \(file), line \(line) (data row \(row)), column detailed_labels: \(TerminalText.quoted(text)) is not a process. "
                + "Use one of \(PhysicsProcess.allCases.map(\.rawValue).joined(separator: ", "))."
        case let .labelMismatch(file, line, row, label, process):
            return "Event file \(file), line \(line) (data row \(row)), column labels: \(TerminalText.quoted(label)) disagrees with detailed_labels \(TerminalText.quoted(process)). "
                + "labels must be 1 for htautau and 0 for the backgrounds (or drop the labels column)."
        }
    }

    public var errorDescription: String? { description }

    /// `text` ending in exactly one full stop.
    private func sentence(_ text: String) -> String {
        var t = text
        while t.hasSuffix(".") { t.removeLast() }
        return t + "."
    }
}
