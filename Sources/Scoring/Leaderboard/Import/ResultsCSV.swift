import Foundation
import PseudoExperiments

/// A CSV file of one submission's per-pseudo-experiment results, as `bench store
/// import-results` reads it (results computed elsewhere, or exported from another store).
///
/// RFC 4180 with a header naming the columns (any order):
/// ```
/// set_index,index,p16,p84,mu_hat,uncertainty,p2_5,p97_5,runtime_s,error
/// 0,0,0.81,1.42,1.1,0.3,,,0.52,
/// 0,1,,,,,,,30.0,"timeout after 30 s, no estimate"
/// ```
/// Required: `set_index`, `index` (whole numbers >= 0), `p16`, `p84`, `runtime_s` (seconds,
/// finite, >= 0). Optional: `mu_hat`, `uncertainty`, `p2_5` and `p97_5` (the 95% interval, both
/// or neither), `error` (the failure message), and the central intervals at further confidence
/// levels as quantile pairs `pA`/`pB` with `A + B = 100` and `A < 50` (`_` for a decimal point):
/// `p25`,`p75` is the 50% interval, `p5`,`p95` the 90%, `p2_5`,`p97_5` the 95% (level =
/// `1 - 2A/100`; each pair both columns or neither). Numbers may be `nan`, `inf` or `-inf`; an empty
/// field is "not reported", and a row with empty `p16` and `p84` has no estimate. Unknown
/// columns are refused, so that a misspelt column is never silently ignored.
public struct ResultsCSV: Sendable, Equatable {
    /// The results in file order, and the line each came from.
    public var outcomes: [PseudoExperimentOutcome]
    public var lines: [Int]

    static let requiredColumns = ["set_index", "index", "p16", "p84", "runtime_s"]
    static let optionalColumns = ["mu_hat", "uncertainty", "p2_5", "p97_5", "error"]
    static var allColumns: [String] { requiredColumns + optionalColumns }

    /// The lower quantile (percent) of a level column `pA` (`p25`, `p2_5`, `p97_5`), or nil for
    /// any other name; `p16`/`p84` are the primary interval's.
    static func quantile(ofColumn name: String) -> Double? {
        guard name.hasPrefix("p"), name != "p16", name != "p84" else { return nil }
        let digits = name.dropFirst()
        guard !digits.isEmpty, digits.first != "_", digits.last != "_",
              digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }),
              digits.filter({ $0 == "_" }).count <= 1,
              let q = Double(digits.replacingOccurrences(of: "_", with: ".")), q > 0, q < 100, q != 50 else { return nil }
        return q
    }

    /// The column name of quantile `q` percent (`25` -> `p25`, `2.5` -> `p2_5`).
    static func column(ofQuantile q: Double) -> String {
        "p" + (q == q.rounded() ? String(Int(q)) : String(q).replacingOccurrences(of: ".", with: "_"))
    }
    static let exampleHeader = "set_index,index,p16,p84,mu_hat,uncertainty,p2_5,p97_5,runtime_s,error"

    /// Reads and checks a whole file; nothing partial is returned.
    public static func read(contentsOf url: URL) throws -> ResultsCSV {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ResultsCSVError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
        return try parse(String(decoding: data, as: UTF8.self), path: url.path)
    }

    /// Parses CSV text; `path` names the source in errors.
    public static func parse(_ text: String, path: String) throws -> ResultsCSV {
        let records: [CSVText.Record]
        do { records = try CSVText.records(text) } catch let e as CSVText.SyntaxError {
            throw ResultsCSVError.syntax(path: path, line: e.line, message: e.message)
        }
        guard let header = records.first else { throw ResultsCSVError.empty(path: path) }
        var column: [String: Int] = [:]
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard allColumns.contains(name) || quantile(ofColumn: name) != nil else {
                throw ResultsCSVError.unknownColumn(path: path, column: name)
            }
            guard column[name] == nil else { throw ResultsCSVError.duplicateColumn(path: path, column: name) }
            column[name] = i
        }
        for name in requiredColumns where column[name] == nil {
            throw ResultsCSVError.missingColumn(path: path, column: name)
        }
        // Level columns come in pairs; the 95% pair is read as interval95 below.
        var levelPairs: [(level: Double, lower: String, upper: String)] = []
        for name in column.keys.sorted() {
            guard let q = quantile(ofColumn: name) else { continue }
            let partner = Self.column(ofQuantile: 100 - q)
            guard column[partner] != nil, quantile(ofColumn: partner) == 100 - q else {
                throw ResultsCSVError.missingColumn(path: path, column: partner)
            }
            if q < 50, name != "p2_5" { levelPairs.append((1 - 2 * q / 100, name, partner)) }
        }

        var result = ResultsCSV(outcomes: [], lines: [])
        var seen: [PseudoExperimentKey: Int] = [:]
        for record in records.dropFirst() {
            let row = Row(record: record, column: column, path: path)
            guard record.fields.count == header.fields.count else {
                throw ResultsCSVError.wrongFieldCount(path: path, line: record.line, expected: header.fields.count,
                                                      found: record.fields.count)
            }
            let key = PseudoExperimentKey(setIndex: try row.index("set_index"), index: try row.index("index"))
            if let first = seen[key] {
                throw ResultsCSVError.duplicateKey(path: path, line: record.line, firstLine: first,
                                                   set: key.setIndex, index: key.index)
            }
            seen[key] = record.line
            let interval68 = try row.interval("p16", "p84")
            let muHat = try row.number("mu_hat"), uncertainty = try row.number("uncertainty")
            let interval95 = try row.interval("p2_5", "p97_5")
            var levels: [LevelInterval] = []
            for pair in levelPairs {
                if let interval = try row.interval(pair.lower, pair.upper) {
                    levels.append(LevelInterval(level: pair.level, interval: interval))
                }
            }
            var estimate: Estimate?
            if let interval68 {
                estimate = Estimate(interval68: interval68, muHat: muHat, uncertainty: uncertainty,
                                    interval95: interval95, levels: levels)
            } else if let orphan = [("mu_hat", muHat), ("uncertainty", uncertainty), ("p2_5", interval95?.lower)]
                        .first(where: { $0.1 != nil })?.0 ?? levels.first.map({ _ in levelPairs[0].lower }) {
                throw ResultsCSVError.valueWithoutInterval(path: path, line: record.line, column: orphan)
            }
            let failure = row.text("error").flatMap { $0.isEmpty ? nil : $0 }
            result.outcomes.append(PseudoExperimentOutcome(key: key, estimate: estimate, failure: failure,
                                                           runtimeSeconds: try row.runtime()))
            result.lines.append(record.line)
        }
        guard !result.outcomes.isEmpty else { throw ResultsCSVError.noRows(path: path) }
        return result
    }

    /// The fields of one record, by column name.
    private struct Row {
        let record: CSVText.Record
        let column: [String: Int]
        let path: String

        func text(_ name: String) -> String? {
            column[name].map { record.fields[$0].trimmingCharacters(in: .whitespaces) }
        }

        func index(_ name: String) throws -> Int {
            let s = text(name) ?? ""
            guard let i = Int(s), i >= 0 else {
                throw ResultsCSVError.badIndex(path: path, line: record.line, column: name, value: s)
            }
            return i
        }

        /// A number, NaN or an infinity; nil when the field is empty or the column absent.
        func number(_ name: String) throws -> Double? {
            guard let s = text(name), !s.isEmpty else { return nil }
            do {
                return try IntervalTable.estimateField(s, path: path, line: record.line, column: name)
            } catch {
                throw ResultsCSVError.badNumber(path: path, line: record.line, column: name, value: s)
            }
        }

        /// Both ends, or nil when both are empty.
        func interval(_ lower: String, _ upper: String) throws -> ConfidenceInterval? {
            switch (try number(lower), try number(upper)) {
            case let (l?, u?): return ConfidenceInterval(lower: l, upper: u)
            case (nil, nil): return nil
            case (nil, _?): throw ResultsCSVError.halfInterval(path: path, line: record.line, given: upper, missing: lower)
            case (_?, nil): throw ResultsCSVError.halfInterval(path: path, line: record.line, given: lower, missing: upper)
            }
        }

        func runtime() throws -> Double {
            let s = text("runtime_s") ?? ""
            guard let t = Double(s), t.isFinite, t >= 0 else {
                throw ResultsCSVError.badRuntime(path: path, line: record.line, value: s)
            }
            return t
        }
    }
}
