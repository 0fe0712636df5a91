import Foundation

extension EventFileInspection {
    /// A human-readable report: layout, a process table, a feature table, the metadata.
    public func text() -> String {
        var lines: [String] = []
        let s = summary
        switch format {
        case .pool:
            lines.append("\(file): pool file, format version \(formatVersion ?? 0), \(s.rows) rows in \(blocks ?? 0) block(s) of up to \(blockRows ?? 0) rows, \(fileSize) bytes; all checksums verified")
        case .parquet:
            lines.append("\(file): Parquet file, \(s.rows) rows in \(blocks ?? 0) row group(s), \(fileSize) bytes; every value checked")
        case .csv:
            let derived = derivedFeaturesComputed == true ? " (DER columns computed from the PRI columns)" : ""
            lines.append("\(file): CSV event file, \(s.rows) rows, \(fileSize) bytes\(derived)")
        }
        lines.append("")
        lines.append(pad("process", 10) + lpad("rows", 12) + lpad("sum of weights", 20))
        var totalWeight = 0.0
        for process in PhysicsProcess.allCases {
            let totals = s.processes[process] ?? .init()
            totalWeight += totals.weightSum
            lines.append(pad(process.rawValue, 10) + lpad("\(totals.rows)", 12) + lpad(fixed(totals.weightSum), 20))
        }
        lines.append(pad("total", 10) + lpad("\(s.rows)", 12) + lpad(fixed(totalWeight), 20))
        lines.append("")
        lines.append(pad("column", 30) + pad("unit", 6) + lpad("defined", 10) + lpad("undefined", 10)
                     + lpad("min", 14) + lpad("max", 14) + lpad("mean", 14))
        for feature in Feature.allCases {
            lines.append(row(feature.rawValue, feature.unit, s.features[feature.index], marker: feature.mayBeUndefined))
        }
        lines.append(row("weights", "events", s.weights, marker: false))
        if hasUndefinedValues(s) { lines.append("(-25 is the undefined marker; it is left out of min, max and mean where a column admits it)") }
        if let metadataJSON {
            lines.append("")
            lines.append("metadata:")
            lines.append(prettyMetadata(metadataJSON))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON (keys sorted; numbers exact where they are counts or metadata).
    public func json() throws -> Data {
        let s = summary
        var processes: [String: Report.Process] = [:]
        for process in PhysicsProcess.allCases {
            let totals = s.processes[process] ?? .init()
            processes[process.rawValue] = .init(rows: totals.rows, sumOfWeights: totals.weightSum)
        }
        let columns = Feature.allCases.map { Report.Column(name: $0.rawValue, unit: $0.unit, stats: s.features[$0.index],
                                                           marker: $0.mayBeUndefined) }
        let metadata: JSONValue?
        if let metadataJSON {
            do { metadata = try JSONDecoder().decode(JSONValue.self, from: metadataJSON) } catch {
                throw PoolError.badMetadata(file: file, detail: "it is not JSON: \(error)")
            }
        } else {
            metadata = nil
        }
        let report = Report(file: file, format: format, fileSize: fileSize, formatVersion: formatVersion,
                            blockRows: blockRows, blocks: blocks, derivedFeaturesComputed: derivedFeaturesComputed,
                            rows: s.rows, processes: processes, features: columns,
                            weights: .init(name: "weights", unit: "events", stats: s.weights, marker: false),
                            metadata: metadata)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(report)
    }

    // MARK: - Text helpers

    private func row(_ name: String, _ unit: String, _ stats: EventTableSummary.ColumnStatistics, marker: Bool) -> String {
        let undefined = marker ? "\(stats.undefined)" : "-"
        guard let range = stats.range, let mean = stats.mean else {
            return pad(name, 30) + pad(unit, 6) + lpad("\(stats.defined)", 10) + lpad(undefined, 10)
                + lpad("-", 14) + lpad("-", 14) + lpad("-", 14)
        }
        return pad(name, 30) + pad(unit, 6) + lpad("\(stats.defined)", 10) + lpad(undefined, 10)
            + lpad(short(range.lowerBound), 14) + lpad(short(range.upperBound), 14) + lpad(short(mean), 14)
    }

    private func hasUndefinedValues(_ s: EventTableSummary) -> Bool {
        Feature.allCases.contains { $0.mayBeUndefined && s.features[$0.index].undefined > 0 }
    }

    private func prettyMetadata(_ data: Data) -> String {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return String(decoding: data, as: UTF8.self)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: data, as: UTF8.self)
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    private func lpad(_ s: String, _ width: Int) -> String {
        s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
    }

    private func short(_ x: Double) -> String { String(format: "%.6g", x) }
    private func fixed(_ x: Double) -> String { String(format: "%.3f", x) }
}

/// The JSON form of an inspection.
private struct Report: Encodable {
    struct Process: Encodable {
        var rows: Int
        var sumOfWeights: Double
        enum CodingKeys: String, CodingKey { case rows, sumOfWeights = "sum_of_weights" }
    }

    struct Column: Encodable {
        var name: String
        var unit: String
        var stats: EventTableSummary.ColumnStatistics
        var marker: Bool

        enum CodingKeys: String, CodingKey { case name, unit, defined, undefined, min, max, mean }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(unit, forKey: .unit)
            try c.encode(stats.defined, forKey: .defined)
            if marker { try c.encode(stats.undefined, forKey: .undefined) }
            // null (not absent) when no row defines the column, so readers see the key. The
            // extremes are Float32 values of the file: written in Float32's shortest form
            // (20.007), which reads back to exactly that Float32.
            try c.encode(stats.range.map { Float($0.lowerBound) }, forKey: .min)
            try c.encode(stats.range.map { Float($0.upperBound) }, forKey: .max)
            try c.encode(stats.mean, forKey: .mean)
        }
    }

    var file: String
    var format: EventFileInspection.Format
    var fileSize: UInt64
    var formatVersion: Int?
    var blockRows: Int?
    var blocks: Int?
    var derivedFeaturesComputed: Bool?
    var rows: Int
    var processes: [String: Process]
    var features: [Column]
    var weights: Column
    var metadata: JSONValue?

    enum CodingKeys: String, CodingKey {
        case file, format, fileSize = "file_size", formatVersion = "format_version", blockRows = "block_rows"
        case blocks, derivedFeaturesComputed = "derived_features_computed", rows, processes, features, weights, metadata
    }
}

/// Any JSON value, decoded without loss: integers stay integers (a 64-bit seed in metadata
/// must not pass through a Double).
enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let u = try? c.decode(UInt64.self) { self = .uint(u) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(b): try c.encode(b)
        case let .int(i): try c.encode(i)
        case let .uint(u): try c.encode(u)
        case let .double(d): try c.encode(d)
        case let .string(s): try c.encode(s)
        case let .array(a): try c.encode(a)
        case let .object(o): try c.encode(o)
        }
    }
}
