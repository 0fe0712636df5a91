import Foundation
import PseudoExperiments

/// A CSV table of intervals against true values: the input of `bench score --intervals`.
///
/// The first line names the columns; `mu_true`, `p16` and `p84` must be among them (any order,
/// other columns ignored), one row per pseudo-experiment:
/// ```
/// mu_true,p16,p84
/// 2.795886669169729,2.3092044016518356,2.9092044016518352
/// ```
/// `mu_true` must be a finite number. An empty `p16` or `p84` means no estimate; `nan`, `inf`
/// and `-inf` are read as such: all three are failures under ``ScoringPolicy``. Anything else
/// that is not a number is an error naming the line and column.
public struct IntervalTable: Sendable, Equatable {
    /// One row: its 1-based line in the file, the true mu, and the interval (nil when a field
    /// is empty).
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var mu: Double
        public var interval: ConfidenceInterval?

        public init(line: Int, mu: Double, interval: ConfidenceInterval?) {
            self.line = line
            self.mu = mu
            self.interval = interval
        }
    }

    public var rows: [Row]

    public init(rows: [Row]) { self.rows = rows }

    /// Reads a table from a file.
    public static func read(contentsOf url: URL) throws -> IntervalTable {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw InteropError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
        return try parse(String(decoding: data, as: UTF8.self), path: url.path)
    }

    /// Parses CSV text; `path` names the source in errors.
    public static func parse(_ text: String, path: String) throws -> IntervalTable {
        // `\r\n` is one Character in Swift, and a newline: CRLF files split like LF files.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        while let last = lines.last, last.allSatisfy({ $0 == " " }) { lines.removeLast() }
        guard let headerLine = lines.first else {
            throw InteropError.emptyFile(path: path, expected: "a header mu_true,p16,p84 and one row per interval")
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw InteropError.missingColumn(path: path, column: name, header: header)
            }
            return i
        }
        let iMu = try column("mu_true"), iLow = try column("p16"), iHigh = try column("p84")

        var rows: [Row] = []
        for (k, line) in lines.enumerated().dropFirst() {
            let lineNumber = k + 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == header.count else {
                throw InteropError.wrongFieldCount(path: path, line: lineNumber, expected: header.count,
                                                   found: fields.count)
            }
            guard let mu = Double(fields[iMu]), mu.isFinite else {
                throw InteropError.badTruth(path: path, line: lineNumber, value: fields[iMu])
            }
            let low = try estimateField(fields[iLow], path: path, line: lineNumber, column: "p16")
            let high = try estimateField(fields[iHigh], path: path, line: lineNumber, column: "p84")
            var interval: ConfidenceInterval?
            if let low, let high { interval = ConfidenceInterval(lower: low, upper: high) }
            rows.append(Row(line: lineNumber, mu: mu, interval: interval))
        }
        guard !rows.isEmpty else { throw InteropError.noRows(path: path) }
        return IntervalTable(rows: rows)
    }

    /// An estimate field: nil when empty, NaN or +-infinity as written, else a number or an error.
    static func estimateField(_ s: String, path: String, line: Int, column: String) throws -> Double? {
        if s.isEmpty { return nil }
        switch s.lowercased() {
        case "nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default:
            // Double(_:) also takes "nan(0x1)" or hex floats; accept only plain decimals.
            guard let x = Double(s), x.isFinite,
                  s.allSatisfy({ "0123456789+-.eE".contains($0) }) else {
                throw InteropError.badNumber(path: path, line: line, column: column, value: s)
            }
            return x
        }
    }

    /// Each row's outcome under `policy`.
    public func outcomes(policy: ScoringPolicy = .fairUniverse2024) -> [IntervalOutcome] {
        rows.map { policy.outcome(mu: $0.mu, interval: $0.interval) }
    }

    /// The pooled metrics of all rows (N = the number of rows).
    public func metrics(policy: ScoringPolicy = .fairUniverse2024) -> IntervalMetrics {
        IntervalMetrics(outcomes: outcomes(policy: policy), parameters: policy.parameters)
    }
}
