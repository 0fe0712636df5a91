import Foundation
import PseudoExperiments

/// What is wrong with a results CSV, naming the file, line and column.
public enum ResultsCSVError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case cannotRead(path: String, reason: String)
    case syntax(path: String, line: Int, message: String)
    case empty(path: String)
    case missingColumn(path: String, column: String)
    case unknownColumn(path: String, column: String)
    case duplicateColumn(path: String, column: String)
    case wrongFieldCount(path: String, line: Int, expected: Int, found: Int)
    case badIndex(path: String, line: Int, column: String, value: String)
    case badNumber(path: String, line: Int, column: String, value: String)
    case halfInterval(path: String, line: Int, given: String, missing: String)
    case valueWithoutInterval(path: String, line: Int, column: String)
    case badRuntime(path: String, line: Int, value: String)
    case duplicateKey(path: String, line: Int, firstLine: Int, set: Int, index: Int)
    case noRows(path: String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason):
            let reason = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
            return "Cannot read \(path): \(reason). Check the path and its permissions."
        case let .syntax(path, line, message):
            return "\(path), line \(line): \(message)."
        case let .empty(path):
            return "\(path) is empty: it should start with a header line such as \(ResultsCSV.exampleHeader)."
        case let .missingColumn(path, column):
            return "\(path) has no column '\(column)': the header must name at least "
                + "\(ResultsCSV.requiredColumns.joined(separator: ","))."
        case let .unknownColumn(path, column):
            return "\(path) has a column '\(column)' that results do not have: use only "
                + "\(ResultsCSV.allColumns.joined(separator: ",")) and level pairs such as p25,p75 or p5,p95 "
                + "(check the spelling)."
        case let .duplicateColumn(path, column):
            return "\(path) names the column '\(column)' twice in its header: keep one."
        case let .wrongFieldCount(path, line, expected, found):
            return "\(path), line \(line): \(found) fields where the header has \(expected): is a comma "
                + "missing, or a field with a comma not quoted? Fix or remove that line."
        case let .badIndex(path, line, column, value):
            return "\(path), line \(line), column \(column): \(TerminalText.quoted(value)) is not an index: write a whole "
                + "number >= 0."
        case let .badNumber(path, line, column, value):
            return "\(path), line \(line), column \(column): \(TerminalText.quoted(value)) is not a number: write a decimal "
                + "number, nan, inf or -inf, or leave it empty when not reported."
        case let .halfInterval(path, line, given, missing):
            return "\(path), line \(line): \(given) is given but \(missing) is empty: give both ends of "
                + "the interval, or neither."
        case let .valueWithoutInterval(path, line, column):
            return "\(path), line \(line): \(column) is given but p16 and p84 are empty, and an estimate "
                + "needs its 68% interval: give p16 and p84, or leave \(column) empty."
        case let .badRuntime(path, line, value):
            return "\(path), line \(line), column runtime_s: \(TerminalText.quoted(value)) is not a time: write the seconds "
                + "the estimate took, a finite number >= 0."
        case let .duplicateKey(path, line, first, set, index):
            return "\(path), line \(line): set \(set), pseudo-experiment \(index) was already given on "
                + "line \(first): keep one result per pseudo-experiment."
        case let .noRows(path):
            return "\(path) has a header but no rows: there are no results to import."
        }
    }

    public var errorDescription: String? { description }
}
