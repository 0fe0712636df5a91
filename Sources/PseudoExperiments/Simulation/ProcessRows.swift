import Foundation

/// Rows of each process in a pool.
///
/// The default split of a total (``PerProcess/split(total:)``) oversamples the signal as the
/// FAIR Universe sample does (336 of its 1000 rows are htautau) and gives the small backgrounds
/// more rows than their share of the yield, so that every process's shapes are known to a useful
/// precision:
/// ```
/// htautau 33.6%   ttbar 8%   diboson 3%   ztautau the rest (55.4%)
/// ```
public typealias ProcessRows = PerProcess<Int>

extension PerProcess: CustomStringConvertible where Value == Int {
    /// `htautau=N,ztautau=N,ttbar=N,diboson=N` (the form ``parse(_:)`` reads).
    public var description: String {
        PhysicsProcess.allCases.map { "\($0.rawValue)=\(self[$0])" }.joined(separator: ",")
    }
}

extension PerProcess where Value == Int {
    /// Fractions of the default split (ztautau takes the remainder).
    public static var defaultFractions: [PhysicsProcess: Double] { [.htautau: 0.336, .ttbar: 0.08, .diboson: 0.03] }

    /// The default split of `total` rows (at least one per process).
    public static func split(total: Int) throws -> ProcessRows {
        let minimum = PhysicsProcess.allCases.count
        guard total >= minimum else { throw SimulationError.tooFewEvents(requested: total, minimum: minimum) }
        var rows = ProcessRows(repeating: 0)
        for (process, fraction) in defaultFractions {
            rows[process] = max(1, Int((Double(total) * fraction).rounded(.down)))
        }
        rows.ztautau = total - rows.htautau - rows.ttbar - rows.diboson
        guard rows.ztautau >= 1 else { throw SimulationError.tooFewEvents(requested: total, minimum: minimum) }
        return rows
    }

    /// Reads `htautau=N,ztautau=N,ttbar=N,diboson=N` (any order, every process once, N >= 1;
    /// `_` separators in N allowed).
    public static func parse(_ text: String) throws -> ProcessRows {
        var found: [PhysicsProcess: Int] = [:]
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw SimulationError.badRowSpecification(text: text, detail: "'\(item)' is not of the form process=N")
            }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            guard let process = PhysicsProcess(rawValue: name) else {
                throw SimulationError.badRowSpecification(
                    text: text, detail: "'\(name)' is not a process (htautau, ztautau, ttbar, diboson)")
            }
            guard found[process] == nil else {
                throw SimulationError.badRowSpecification(text: text, detail: "\(name) is given twice")
            }
            let digits = parts[1].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
            guard let n = Int(digits), n >= 1 else {
                throw SimulationError.badRowSpecification(
                    text: text, detail: "the count of \(name), '\(parts[1])', is not a positive whole number")
            }
            found[process] = n
        }
        let missing = PhysicsProcess.allCases.filter { found[$0] == nil }
        guard missing.isEmpty else {
            throw SimulationError.badRowSpecification(
                text: text, detail: "no count for \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        return ProcessRows { (process: PhysicsProcess) in found[process] ?? 0 }
    }
}
