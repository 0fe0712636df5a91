import Foundation

/// A pseudo-experiment as CSV, for other tools: a header with the FAIR Universe column names of
/// the 28 features (16 `PRI_*`, then 12 `DER_*`, record order), then one line per row in the
/// view's order. Floats are written in the shortest form that reads back to the same Float32
/// (`32.117`, `-25.0`), as the event CSV files. No weights, labels or processes: the view has none.
extension SealedView {
    /// The CSV bytes.
    public func csvBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * Feature.allCases.count + count * Feature.allCases.count * 9)
        out.append(contentsOf: Feature.allCases.map(\.rawValue).joined(separator: ",").utf8)
        out.append(10)
        let columns = Feature.allCases.map(\.index)
        storage.withUnsafeBufferPointer { v in
            for row in 0..<count {
                for (k, f) in columns.enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: v[f * columnStride + row].description.utf8)
                }
                out.append(10)
            }
        }
        return out
    }

    /// Writes the CSV file atomically.
    public func writeCSV(to url: URL) throws {
        try AtomicFile.write(Data(csvBytes()), to: url)
    }
}
