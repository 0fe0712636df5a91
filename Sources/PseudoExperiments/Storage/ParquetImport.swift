import Foundation
import Parquet

/// Converts a Parquet event file (or one part of it, the challenge's split) into a pool file,
/// one row group at a time, so that memory grows with a row group, not with the file.
///
/// The pool is written under a temporary name and renamed when complete
/// (``PoolWriter``): a failed import (a null, a bad value, a damaged page) leaves no pool.
/// Its metadata says where it came from:
/// ```
/// {"source": "parquet", "file": "<path as given>", "sha256": "<the file's content digest>",
///  "part": "all" | "evaluation-0.3" | "training-0.3", "rows_in_file": N,
///  "sum_weights": <the rescaling target, or null>}
/// ```
/// ``cached(_:part:sumWeights:directory:)`` keeps imports in the cache directory
/// (``SimulatedPool/defaultDirectory``) under the file's content digest:
/// ```
/// parquet-<first 32 hex digits of SHA-256(file)>-<part>-<"asis" | "w" + hex bits of sum_weights>.fuqpool
/// ```
/// so the same bytes under another name or path are imported once, and a changed file is
/// imported again. Hashing reads the file once (about 1 GB/s); decoding it is what the cache saves.
public enum ParquetImport {
    /// What an import did.
    public struct Summary: Sendable, Equatable {
        public var url: URL
        public var rows: Int
        public var rowGroups: Int
        /// The file's SHA-256, hex.
        public var sha256: String
        /// True when the pool came from the cache, not from decoding the file.
        public var reused: Bool
    }

    /// Where an imported pool came from (the pool's metadata).
    public struct Provenance: Codable, Equatable, Sendable {
        public var source = "parquet"
        public var file: String
        public var sha256: String
        public var part: String
        public var rowsInFile: Int
        public var sumWeights: Double?

        enum CodingKeys: String, CodingKey {
            case source, file, sha256, part
            case rowsInFile = "rows_in_file"
            case sumWeights = "sum_weights"
        }
    }

    /// Imports `part` of the Parquet file at `source` into a pool at `output`, weights rescaled
    /// to `sumWeights` when given.
    ///
    /// - Throws: ``ParquetError`` naming the file, column and row group of what cannot be read;
    ///   ``PoolError`` when the pool cannot be written. No file is left at `output` then.
    @discardableResult
    public static func run(_ source: URL, to output: URL, part: ParquetEvents.Part = .all,
                           sumWeights: Double? = nil, sha256: String? = nil) throws -> Summary {
        let events = try ParquetEvents(path: source.path)
        let digest = try sha256 ?? contentDigest(source)
        let writer = try PoolWriter(url: output)
        do {
            try events.forEachTable(part: part, sumWeights: sumWeights) { try writer.append($0) }
            let provenance = Provenance(file: source.path, sha256: digest, part: part.name,
                                        rowsInFile: events.rowCount, sumWeights: sumWeights)
            let rows = writer.rowCount
            try writer.finish(metadata: provenance)
            return Summary(url: output, rows: rows, rowGroups: events.reader.metadata.rowGroups.count,
                           sha256: digest, reused: false)
        } catch {
            writer.cancel()
            throw error
        }
    }

    /// The pool of `part` of `source` in the cache `directory`, imported the first time.
    ///
    /// A cached pool whose header, directory or metadata does not read back, or whose
    /// metadata names another digest or part, is imported again.
    public static func cached(_ source: URL, part: ParquetEvents.Part = .all, sumWeights: Double? = nil,
                              directory: URL = SimulatedPool.defaultDirectory) throws -> Summary {
        let digest = try contentDigest(source)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SimulationError.unwritable(file: directory.path, reason: error.localizedDescription)
        }
        let url = directory.appendingPathComponent(fileName(sha256: digest, part: part, sumWeights: sumWeights))
        if FileManager.default.fileExists(atPath: url.path),
           let reader = try? PoolReader(url: url),
           let stored = try? JSONDecoder().decode(Provenance.self, from: reader.metadataJSON),
           stored.sha256 == digest, stored.part == part.name, stored.sumWeights == sumWeights {
            return Summary(url: url, rows: reader.rowCount, rowGroups: 0, sha256: digest, reused: true)
        }
        return try run(source, to: url, part: part, sumWeights: sumWeights, sha256: digest)
    }

    /// The cache file name (see the type's documentation).
    public static func fileName(sha256: String, part: ParquetEvents.Part, sumWeights: Double?) -> String {
        let scale = sumWeights.map { "w" + String($0.bitPattern, radix: 16) } ?? "asis"
        return "parquet-\(sha256.prefix(32))-\(part.name)-\(scale).fuqpool"
    }

    /// Digests computed by this process, by path, size and modification time (a run asks for
    /// the evaluation and the training part of one file: it is read once, not twice).
    private static let digests = DigestMemo()

    private final class DigestMemo: @unchecked Sendable {
        private let lock = NSLock()
        private var known: [String: String] = [:]
        func value(_ key: String) -> String? { lock.withLock { known[key] } }
        func keep(_ digest: String, _ key: String) { lock.withLock { known[key] = digest } }
    }

    /// The SHA-256 of the file's bytes, hex, read in 4 MiB chunks (once per process for an
    /// unchanged file).
    public static func contentDigest(_ url: URL) throws -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        let stamp = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? .nan
        let key = "\(url.standardizedFileURL.path)|\(attributes?[.size] as? Int ?? -1)|\(stamp)"
        if stamp.isFinite, let known = digests.value(key) { return known }
        let digest = try hash(url)
        if stamp.isFinite { digests.keep(digest, key) }
        return digest
    }

    private static func hash(_ url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw ParquetError.io(file: url.path, action: "open", reason: "it cannot be opened for reading")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw ParquetError.io(file: url.path, action: "read", reason: error.localizedDescription)
            }
            if chunk.isEmpty { break }
            hasher.update(chunk)
        }
        return hasher.finalize().hex
    }
}
