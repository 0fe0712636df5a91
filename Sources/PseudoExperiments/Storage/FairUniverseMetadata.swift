import Foundation

/// The metadata file beside the challenge's data (`FAIR_Universe_HiggsML_data_metadata.json`):
/// what the harness uses of it is `sum_weights`, the total every part's weights are rescaled to
/// (the challenge's `get_train_set`), and `total_rows`, checked against the data file.
///
/// ```swift
/// let meta = try FairUniverseMetadata.load(URL(fileURLWithPath: "FAIR_Universe_HiggsML_data_metadata.json"))
/// meta.sumWeights   // 1051433.0 for the 1000-row sample
/// ```
public struct FairUniverseMetadata: Sendable, Equatable {
    public var file: String
    public var sumWeights: Double
    public var totalRows: Int?
    public var luminosity: Double?

    /// Reads and checks the file.
    ///
    /// - Throws: ``DataImportError/metadata(file:field:problem:)`` naming the field.
    public static func load(_ url: URL) throws -> FairUniverseMetadata {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataImportError.metadata(file: url.path, field: nil, problem: "it cannot be read (\(error.localizedDescription))")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw DataImportError.metadata(file: url.path, field: nil, problem: "it is not a JSON object")
        }
        func number(_ key: String, required: Bool) throws -> Double? {
            guard let value = object[key] else {
                if required { throw DataImportError.metadata(file: url.path, field: key, problem: "it is missing") }
                return nil
            }
            guard let n = value as? NSNumber, !(value is Bool), n.doubleValue.isFinite, n.doubleValue > 0 else {
                throw DataImportError.metadata(file: url.path, field: key, problem: "it is not a positive number")
            }
            return n.doubleValue
        }
        let sum = try number("sum_weights", required: true)!
        let rows = try number("total_rows", required: false)
        if let rows, rows != rows.rounded() {
            throw DataImportError.metadata(file: url.path, field: "total_rows", problem: "it is not a whole number")
        }
        return FairUniverseMetadata(file: url.path, sumWeights: sum, totalRows: rows.map { Int($0) },
                                    luminosity: try number("luminosity", required: false))
    }

    /// The metadata file the challenge ships beside `data`: `X_metadata.json` for `X.parquet`,
    /// if it exists.
    public static func beside(_ data: URL) -> URL? {
        let name = data.deletingPathExtension().lastPathComponent + "_metadata.json"
        let url = data.deletingLastPathComponent().appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Refuses metadata written for another file: its `total_rows` must be the file's rows.
    public func check(rows: Int, of data: String) throws {
        if let totalRows, totalRows != rows {
            throw DataImportError.rowCountMismatch(metadata: file, data: data, metadataRows: totalRows, dataRows: rows)
        }
    }
}

/// Why the challenge's data cannot be imported as asked.
public enum DataImportError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case metadata(file: String, field: String?, problem: String)
    case rowCountMismatch(metadata: String, data: String, metadataRows: Int, dataRows: Int)
    case noMetadata(data: String, expected: String)

    public var description: String {
        switch self {
        case let .metadata(file, field, problem):
            return "The metadata file \(file)\(field.map { ", field '\($0)'" } ?? ""): \(problem). "
                + "It should be the challenge's FAIR_Universe_HiggsML_data_metadata.json (a JSON object with sum_weights)."
        case let .rowCountMismatch(metadata, data, metadataRows, dataRows):
            return "The metadata file \(metadata) describes \(metadataRows) rows (total_rows), but \(data) has \(dataRows): "
                + "it belongs to another file. Pass the metadata of this file with --metadata."
        case let .noMetadata(data, expected):
            return "No metadata for \(data): expected \(expected) beside it. Pass --metadata FILE (the challenge's "
                + "FAIR_Universe_HiggsML_data_metadata.json), or --keep-weights to use the file's weights as they are."
        }
    }

    public var errorDescription: String? { description }
}
