import Foundation

/// Reading and writing event tables as CSV files with the FAIR Universe column names.
///
/// Reading: a header line is required; columns may come in any order. Required: the 16 `PRI_*`
/// columns, `weights` and `detailed_labels`. Optional: all 12 `DER_*` columns (or none: they are
/// then computed from the PRI values with ``DerivedFeatures/compute(primaries:)``, exactly as the
/// systematics transform computes them at nominal values), `labels` (checked against
/// `detailed_labels`) and `input_row` (returned as ``EventTable/CSVContents/inputRows``). Floats
/// are parsed correctly rounded to Float32, so the reference files' shortest-form float32 values
/// are read exactly. Fields are separated by commas, lines by LF or CRLF; quoting is not supported.
/// Any problem throws an ``EventDataError`` naming the file, line, data row and column; nothing is
/// guessed or dropped.
///
/// Writing: `input_row` first (if given), the 16 PRI columns, `weights`, `detailed_labels`,
/// `labels` (`1.0` / `0.0`), the 12 DER columns, the column order of the reference files; floats
/// in the shortest form that reads back to the same Float32 (`Float.description`: `32.117`, `-25.0`).
extension EventTable {
    /// What a CSV event file holds.
    public struct CSVContents: Sendable, Equatable {
        /// The events.
        public var table: EventTable
        /// The `input_row` column, if the file has one.
        public var inputRows: [Int]?
        /// True when the file had no DER columns and they were computed from the PRI columns.
        public var derivedFeaturesComputed: Bool
    }

    /// The column names of a written file, in order.
    public static func csvColumnNames(withInputRow: Bool) -> [String] {
        (withInputRow ? ["input_row"] : []) + Feature.primary.map(\.rawValue)
            + ["weights", "detailed_labels", "labels"] + Feature.derived.map(\.rawValue)
    }

    /// Reads a CSV event file.
    public static func readCSV(from url: URL) throws -> CSVContents {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EventDataError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try data.withUnsafeBytes { raw in
            try parseCSV(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                             count: raw.count), file: url.path)
        }
    }

    /// Parses CSV text (`file` names it in errors).
    public static func parseCSV(_ text: String, file: String) throws -> CSVContents {
        var text = text
        return try text.withUTF8 { try parseCSV($0, file: file) }
    }

    /// Parses CSV bytes (`file` names them in errors).
    public static func parseCSV(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws -> CSVContents {
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw EventDataError.emptyFile(file: file) }
        var start = 0, end = bytes.count
        if end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }   // UTF-8 byte order mark
        // Trailing blank lines are not rows.
        while end > start, base[end - 1] == 10 || base[end - 1] == 13 || base[end - 1] == 32 { end -= 1 }
        guard end > start else { throw EventDataError.emptyFile(file: file) }

        var headerEnd = start
        while headerEnd < end, base[headerEnd] != 10 { headerEnd += 1 }
        let layout = try CSVLayout(header: fields(base, start, headerEnd), file: file)
        var rowCount = 0
        if headerEnd < end {
            rowCount = 1
            for i in (headerEnd + 1)..<end where base[i] == 10 { rowCount += 1 }
        }
        let parser = CSVRowParser(layout: layout, rowCount: rowCount, file: file)
        defer { parser.deallocate() }
        var lineStart = headerEnd + 1
        for row in 0..<rowCount {
            var lineEnd = lineStart
            while lineEnd < end, base[lineEnd] != 10 { lineEnd += 1 }
            try parser.parse(base, lineStart, lineEnd, row: row)
            lineStart = lineEnd + 1
        }
        return parser.contents()
    }

    /// The fields of `p[start..<end]` split at commas (header only; rows use the fast parser).
    private static func fields(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> [String] {
        var e = end
        if e > start, p[e - 1] == 13 { e -= 1 }
        return String(decoding: UnsafeBufferPointer(start: p + start, count: e - start), as: UTF8.self)
            .split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// The table as CSV bytes; `inputRows`, if given, becomes the first column.
    public func csvBytes(inputRows: [Int]? = nil) -> [UInt8] {
        if let inputRows {
            precondition(inputRows.count == count, "inputRows has \(inputRows.count) entries for \(count) rows")
        }
        var out: [UInt8] = []
        out.reserveCapacity(64 + count * 300)
        out.append(contentsOf: EventTable.csvColumnNames(withInputRow: inputRows != nil).joined(separator: ",").utf8)
        out.append(10)
        let comma = UInt8(ascii: ",")
        let primary = Feature.primary.map(\.index), derived = Feature.derived.map(\.index)
        for row in 0..<count {
            if let inputRows { out.append(contentsOf: String(inputRows[row]).utf8); out.append(comma) }
            for f in primary { out.append(contentsOf: columns[f][row].description.utf8); out.append(comma) }
            out.append(contentsOf: weights[row].description.utf8); out.append(comma)
            let process = PhysicsProcess(code: processCodes[row])
            out.append(contentsOf: (process?.rawValue ?? "unknown").utf8); out.append(comma)
            out.append(contentsOf: (process?.label == 1 ? "1.0" : "0.0").utf8)
            for f in derived { out.append(comma); out.append(contentsOf: columns[f][row].description.utf8) }
            out.append(10)
        }
        return out
    }

    /// Writes the table as a CSV file; `inputRows`, if given, becomes the first column.
    public func writeCSV(to url: URL, inputRows: [Int]? = nil) throws {
        do {
            try Data(csvBytes(inputRows: inputRows)).write(to: url, options: .atomic)
        } catch {
            throw EventDataError.unwritable(file: url.path, reason: error.localizedDescription)
        }
    }
}

/// Which field of a CSV line goes where.
private struct CSVLayout {
    enum Slot { case feature(Int), weight, process, label, inputRow }
    var slots: [Slot]
    var names: [String]
    var hasDerived: Bool
    var hasInputRow: Bool

    init(header: [String], file: String) throws {
        names = header
        var seen = Set<String>()
        var known: [String: Slot] = ["weights": .weight, "detailed_labels": .process, "labels": .label,
                                     "input_row": .inputRow]
        for f in Feature.allCases { known[f.rawValue] = .feature(f.index) }
        slots = []
        for name in header {
            guard let slot = known[name] else { throw EventDataError.unknownColumn(file: file, column: name) }
            guard seen.insert(name).inserted else { throw EventDataError.duplicateColumn(file: file, column: name) }
            slots.append(slot)
        }
        for name in Feature.primary.map(\.rawValue) + ["weights", "detailed_labels"] where !seen.contains(name) {
            throw EventDataError.missingColumn(file: file, column: name)
        }
        let missingDerived = Feature.derived.map(\.rawValue).filter { !seen.contains($0) }
        guard missingDerived.isEmpty || missingDerived.count == Feature.derived.count else {
            throw EventDataError.partialDerivedColumns(file: file, missing: missingDerived)
        }
        hasDerived = missingDerived.isEmpty
        hasInputRow = seen.contains("input_row")
    }
}

/// Parses data lines into column buffers (28 feature columns of `rowCount` Floats each, stride
/// `rowCount`, plus weights, process codes and input rows).
private struct CSVRowParser {
    let layout: CSVLayout
    let rowCount: Int
    let file: String
    let features: UnsafeMutablePointer<Float>
    let weights: UnsafeMutablePointer<Float>
    let codes: UnsafeMutablePointer<UInt8>
    let inputRows: UnsafeMutablePointer<Int>

    init(layout: CSVLayout, rowCount: Int, file: String) {
        self.layout = layout
        self.rowCount = rowCount
        self.file = file
        let n = max(rowCount, 1)
        features = .allocate(capacity: Feature.allCases.count * n)
        weights = .allocate(capacity: n)
        codes = .allocate(capacity: n)
        inputRows = .allocate(capacity: n)
    }

    func deallocate() {
        features.deallocate(); weights.deallocate(); codes.deallocate(); inputRows.deallocate()
    }

    func parse(_ p: UnsafePointer<UInt8>, _ start: Int, _ lineEnd: Int, row: Int) throws {
        var end = lineEnd
        if end > start, p[end - 1] == 13 { end -= 1 }
        let line = row + 2
        guard end > start else {
            throw EventDataError.wrongFieldCount(file: file, line: line, row: row, expected: layout.slots.count, found: 0)
        }
        var fieldStart = start
        var label: (text: String, value: Float)?
        for (k, slot) in layout.slots.enumerated() {
            guard fieldStart <= end, k == 0 || p[fieldStart - 1] == UInt8(ascii: ",") else {
                throw EventDataError.wrongFieldCount(file: file, line: line, row: row,
                                                     expected: layout.slots.count, found: k)
            }
            var fieldEnd = fieldStart
            while fieldEnd < end, p[fieldEnd] != UInt8(ascii: ",") { fieldEnd += 1 }
            switch slot {
            case .feature(let f):
                features[f * rowCount + row] = try number(p, fieldStart, fieldEnd, line: line, row: row, k)
            case .weight:
                weights[row] = try number(p, fieldStart, fieldEnd, line: line, row: row, k)
            case .label:
                label = (text(p, fieldStart, fieldEnd), try number(p, fieldStart, fieldEnd, line: line, row: row, k))
            case .process:
                guard let process = PhysicsProcess(rawValue: text(p, fieldStart, fieldEnd)) else {
                    throw EventDataError.unknownProcess(file: file, line: line, row: row, text: text(p, fieldStart, fieldEnd))
                }
                codes[row] = process.code
            case .inputRow:
                guard let v = DecimalParsing.parseIndex(p, fieldStart, fieldEnd) else {
                    throw EventDataError.nonNumeric(file: file, line: line, row: row, column: "input_row",
                                                    text: text(p, fieldStart, fieldEnd))
                }
                inputRows[row] = v
            }
            fieldStart = fieldEnd + 1
        }
        guard fieldStart > end else {
            var found = layout.slots.count
            for i in fieldStart...end where i == end || p[i] == UInt8(ascii: ",") { found += 1 }
            throw EventDataError.wrongFieldCount(file: file, line: line, row: row,
                                                 expected: layout.slots.count, found: found)
        }
        if let label {
            let process = PhysicsProcess(code: codes[row])!
            guard label.value == Float(process.label) else {
                throw EventDataError.labelMismatch(file: file, line: line, row: row, label: label.text,
                                                   process: process.rawValue)
            }
        }
    }

    @inline(__always)
    private func number(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, line: Int, row: Int,
                        _ field: Int) throws -> Float {
        switch DecimalParsing.parseFloat(p, start, end) {
        case .value(let v):
            return v
        case .nonFinite:
            throw EventDataError.nonFinite(file: file, line: line, row: row, column: layout.names[field],
                                           text: text(p, start, end))
        case .invalid:
            throw EventDataError.nonNumeric(file: file, line: line, row: row, column: layout.names[field],
                                            text: text(p, start, end))
        }
    }

    private func text(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
    }

    /// The parsed table; DER columns computed from PRI if the file had none.
    func contents() -> EventTable.CSVContents {
        if !layout.hasDerived {
            let firstDerived = Feature.derived[0].index
            for row in 0..<rowCount {
                DerivedFeatures.compute(primaries: features + row, stride: rowCount,
                                        into: features + firstDerived * rowCount + row, outStride: rowCount)
            }
        }
        let columns = (0..<Feature.allCases.count).map { f in
            Array(UnsafeBufferPointer(start: features + f * rowCount, count: rowCount))
        }
        let table = EventTable(columns: columns,
                               weights: Array(UnsafeBufferPointer(start: weights, count: rowCount)),
                               processCodes: Array(UnsafeBufferPointer(start: codes, count: rowCount)))
        return EventTable.CSVContents(
            table: table,
            inputRows: layout.hasInputRow ? Array(UnsafeBufferPointer(start: inputRows, count: rowCount)) : nil,
            derivedFeaturesComputed: !layout.hasDerived)
    }
}
