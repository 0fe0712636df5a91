import Foundation

/// Why a simulation could not be planned, run or cached.
public enum SimulationError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// A total number of events that cannot give every process a row.
    case tooFewEvents(requested: Int, minimum: Int)
    /// A `--rows` specification that does not parse (`detail` says where).
    case badRowSpecification(text: String, detail: String)
    /// `--events` and `--rows` disagree.
    case eventCountMismatch(events: Int, rowsTotal: Int)
    /// The output could not be written (`reason` is the system's).
    case unwritable(file: String, reason: String)
    /// A cached pool's metadata does not describe the pool asked for.
    case cacheMismatch(file: String, detail: String)

    public var description: String {
        switch self {
        case let .tooFewEvents(requested, minimum):
            return "Cannot simulate \(requested) events: every process needs at least one row, so ask for at least \(minimum) (e.g. --events 10000)."
        case let .badRowSpecification(text, detail):
            return "Cannot read the rows per process \(TerminalText.quoted(text)): \(detail). Write it as htautau=N,ztautau=N,ttbar=N,diboson=N with every process once and every N a positive whole number."
        case let .eventCountMismatch(events, rowsTotal):
            return "--events \(events) disagrees with --rows, whose counts add up to \(rowsTotal). Give only one of them, or make them agree."
        case let .unwritable(file, reason):
            return "Could not write '\(file)': \(reason). Check that the directory exists and is writable and that the disk is not full."
        case let .cacheMismatch(file, detail):
            return "The cached pool '\(file)' is not the pool asked for (\(detail)). Delete it; it will be generated again."
        }
    }

    public var errorDescription: String? { description }
}
