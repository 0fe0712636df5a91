import Foundation
import PseudoExperiments

/// Reads the reference sample CSV for pool tests (columns by header name, Float32 values).
/// Test-only; replaced by the package's CSV loader once it lands.
enum SampleCSV {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func load(_ url: URL) throws -> EventTable {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline)
        guard !lines.isEmpty else { throw Failure(description: "\(url.path) is empty") }
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        func index(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else { throw Failure(description: "no column \(name)") }
            return i
        }
        let featureIndex = try Feature.allCases.map { try index($0.rawValue) }
        let weightIndex = try index("weights"), processIndex = try index("detailed_labels")
        var table = EventTable()
        for (n, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let features = try featureIndex.map { i -> Float in
                guard let v = Float(fields[i]) else { throw Failure(description: "row \(n): bad value \(fields[i])") }
                return v
            }
            guard let w = Float(fields[weightIndex]), let p = PhysicsProcess(rawValue: fields[processIndex]) else {
                throw Failure(description: "row \(n): bad weight or process")
            }
            table.append(features: features, weight: w, process: p)
        }
        return table
    }
}
