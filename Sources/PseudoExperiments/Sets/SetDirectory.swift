import Foundation

/// A set directory: the manifest of a collection of pseudo-experiments and, if they were
/// materialized, their files.
///
/// ```
/// DIR/manifest.json                               canonical JSON (SetManifest); its SHA-256 names the set
/// DIR/pseudo-experiments/index.json               only when materialized: each file, its rows and values hash
/// DIR/pseudo-experiments/set-S/pe-P.fuqview       only when materialized: one sealed view (ViewFile)
/// ```
/// Without materialized files, pseudo-experiments are regenerated from the manifest and the pool
/// (``generator(pool:)``), identically. The truths are never in the directory (``TruthFile``).
/// Format: `datasets-spec/set-directory-v1.md`.
///
/// ```swift
/// let sets = try SetDirectory.open(URL(fileURLWithPath: "final-sets"))
/// let generator = try sets.generator(pool: pool)        // refuses a pool with another digest
/// let view = try sets.view(set: 3, pseudoExperiment: 42, generator: generator)
/// ```
public struct SetDirectory: Sendable {
    public static let manifestName = "manifest.json"
    public static let materializedFolder = "pseudo-experiments"
    public static let indexName = "index.json"
    static let indexFormatName = "fair-uq-bench materialized pseudo-experiments"

    /// One materialized pseudo-experiment.
    public struct MaterializedEntry: Sendable, Equatable {
        public var set: Int
        public var pseudoExperiment: Int
        /// The file's path relative to the `pseudo-experiments` folder.
        public var file: String
        /// Rows of the view.
        public var rows: Int
        /// ``ViewFile/valuesSHA256(_:)`` of the view.
        public var valuesSHA256: String

        /// The file name of pseudo-experiment `p` of set `s`.
        static func fileName(set s: Int, pseudoExperiment p: Int) -> String { "set-\(s)/pe-\(p).fuqview" }
    }

    /// The directory.
    public let url: URL
    /// Its manifest.
    public let manifest: SetManifest
    /// SHA-256 of `manifest.json`: the key of these pseudo-experiments in the leaderboard store.
    public let manifestSHA256: String
    /// The materialized pseudo-experiments in (set, pseudo-experiment) order, or nil when they
    /// are regenerated on the fly.
    public let materialized: [MaterializedEntry]?

    /// Opens a set directory: reads and checks its manifest and, if present, the index of its
    /// materialized pseudo-experiments (one entry per pseudo-experiment, for this manifest).
    /// The files themselves are checked when read, or all at once by ``verify()``.
    public static func open(_ url: URL) throws -> SetDirectory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SetError.notASetDirectory(path: url.path, reason: "there is no directory there")
        }
        let manifestURL = url.appendingPathComponent(manifestName)
        guard let data = FileManager.default.contents(atPath: manifestURL.path) else {
            throw SetError.notASetDirectory(path: url.path, reason: "it has no readable \(manifestName) (a directory whose generation did not finish has none)")
        }
        let manifest = try SetManifest.decode(data, source: manifestURL.path)
        let hash = SHA256.hash(data).hex
        let indexURL = url.appendingPathComponent(materializedFolder).appendingPathComponent(indexName)
        var entries: [MaterializedEntry]?
        if FileManager.default.fileExists(atPath: indexURL.path) {
            entries = try readIndex(indexURL, manifest: manifest, manifestSHA256: hash)
        } else if FileManager.default.fileExists(atPath: url.appendingPathComponent(materializedFolder).path) {
            throw SetError.notASetDirectory(path: url.path, reason: "its \(materializedFolder) folder has no \(indexName)")
        }
        return SetDirectory(url: url, manifest: manifest, manifestSHA256: hash, materialized: entries)
    }

    /// Whether the pseudo-experiments are stored in the directory.
    public var isMaterialized: Bool { materialized != nil }

    /// A generator of these pseudo-experiments from `pool`, which must be the manifest's pool
    /// (same content digest; ``SetError/poolMismatch(expected:found:)`` otherwise).
    /// A sealed directory needs `keys` (``keys(truths:)``); an open one takes its manifest's seed.
    public func generator(pool: PreparedPool, keys: SetKeys? = nil) throws -> PseudoExperimentGenerator {
        guard pool.digest == manifest.pool.digest else {
            throw SetError.poolMismatch(expected: manifest.pool.digest.hex, found: pool.digest.hex)
        }
        let keys = try keys ?? self.keys(truths: nil)
        return PseudoExperimentGenerator(spec: manifest.spec, pool: pool, seed: keys.rootSeed)
    }

    /// The keys of these pseudo-experiments: an open directory's from its manifest; a sealed
    /// one's from its truth file (`truths`, default ``TruthFile/defaultURL(forDirectory:)``),
    /// checked against the manifest's commitment.
    public func keys(truths: URL?) throws -> SetKeys {
        guard manifest.isSealed else { return try manifest.keys(truths: nil, truthsPath: "", directory: url.path) }
        let truthURL = truths ?? TruthFile.defaultURL(forDirectory: url)
        guard FileManager.default.fileExists(atPath: truthURL.path) else {
            throw SetError.sealedNeedsTruths(path: url.path, truths: truthURL.path, reason: "does not exist")
        }
        return try manifest.keys(truths: try TruthFile.read(from: truthURL), truthsPath: truthURL.path, directory: url.path)
    }

    /// The stored view of a materialized pseudo-experiment, checked against its file's checksums
    /// and the index's row count and values hash.
    public func materializedView(set: Int, pseudoExperiment: Int) throws -> SealedView {
        try checkIndices(set: set, pseudoExperiment: pseudoExperiment)
        guard let materialized else { throw SetError.notMaterialized(path: url.path) }
        let entry = materialized[set * manifest.pseudoExperimentsPerSet + pseudoExperiment]
        let fileURL = url.appendingPathComponent(Self.materializedFolder).appendingPathComponent(entry.file)
        let view = try ViewFile.read(fileURL)
        guard view.count == entry.rows, ViewFile.valuesSHA256(view) == entry.valuesSHA256 else {
            throw SetError.corruptFile(file: fileURL.path, detail: "its content differs from what \(Self.indexName) records for it")
        }
        return view
    }

    /// The view of a pseudo-experiment: stored if materialized, else regenerated with `generator`
    /// (from ``generator(pool:)``).
    public func view(set: Int, pseudoExperiment: Int, generator: PseudoExperimentGenerator?) throws -> SealedView {
        try checkIndices(set: set, pseudoExperiment: pseudoExperiment)
        if isMaterialized { return try materializedView(set: set, pseudoExperiment: pseudoExperiment) }
        guard let generator else { throw SetError.poolRequired(path: url.path) }
        return try generator.generate(set: set, pseudoExperiment: pseudoExperiment).view
    }

    /// Reads every materialized file and checks it (no-op for a regenerated set).
    public func verify() throws {
        guard let materialized else { return }
        for entry in materialized { _ = try materializedView(set: entry.set, pseudoExperiment: entry.pseudoExperiment) }
    }

    /// The truths of these pseudo-experiments, computed under `keys` (default: the open
    /// manifest's seed; a sealed directory needs ``keys(truths:)``).
    public func truths(keys: SetKeys? = nil) throws -> TruthFile {
        TruthFile(manifest: manifest, keys: try keys ?? self.keys(truths: nil))
    }

    /// Throws ``SetError/noSuchPseudoExperiment(set:pseudoExperiment:sets:perSet:)`` unless the set has
    /// this pseudo-experiment.
    public func checkIndices(set: Int, pseudoExperiment: Int) throws {
        guard set >= 0, set < manifest.sets, pseudoExperiment >= 0, pseudoExperiment < manifest.pseudoExperimentsPerSet else {
            throw SetError.noSuchPseudoExperiment(set: set, pseudoExperiment: pseudoExperiment, sets: manifest.sets,
                                                  perSet: manifest.pseudoExperimentsPerSet)
        }
    }

    // MARK: - The index

    static func indexJSON(_ entries: [MaterializedEntry], manifestSHA256: String) -> Data {
        CanonicalJSON.object([
            "format": .string(indexFormatName),
            "format_version": .number(Double(SetManifest.formatVersion)),
            "manifest_sha256": .string(manifestSHA256),
            "pseudo_experiments": .array(entries.map { e in
                .object(["set_index": .number(Double(e.set)), "index": .number(Double(e.pseudoExperiment)),
                         "file": .string(e.file), "rows": .number(Double(e.rows)),
                         "values_sha256": .string(e.valuesSHA256)])
            }),
        ]).bytes
    }

    private static func readIndex(_ url: URL, manifest: SetManifest, manifestSHA256: String) throws -> [MaterializedEntry] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SetError.io(file: url.path, action: "read", reason: "the file cannot be read")
        }
        let root = try JSONFields(data, file: url.path)
        try root.onlyKeys(["format", "format_version", "manifest_sha256", "pseudo_experiments"])
        guard try root.string("format") == indexFormatName else {
            throw root.fail("format", "expected \"\(indexFormatName)\"")
        }
        let version = try root.integer("format_version")
        guard version == SetManifest.formatVersion else {
            throw SetError.unsupportedVersion(file: url.path, what: "set directory format", found: Int(version),
                                              supported: SetManifest.formatVersion)
        }
        guard try root.string("manifest_sha256") == manifestSHA256 else {
            throw root.fail("manifest_sha256", "belongs to another manifest; the directory was assembled from two generations")
        }
        let perSet = manifest.pseudoExperimentsPerSet
        let items = try root.objects("pseudo_experiments")
        guard items.count == manifest.count else {
            throw root.fail("pseudo_experiments", "lists \(items.count) pseudo-experiments where the manifest has \(manifest.count)")
        }
        var entries: [MaterializedEntry] = []
        for (k, item) in items.enumerated() {
            try item.onlyKeys(["set_index", "index", "file", "rows", "values_sha256"])
            let s = Int(try item.integer("set_index")), p = Int(try item.integer("index"))
            guard s == k / perSet, p == k % perSet else {
                throw item.fail("set_index", "entry \(k) is set \(s), pseudo-experiment \(p); expected set \(k / perSet), pseudo-experiment \(k % perSet)")
            }
            let file = try item.string("file")
            guard file == MaterializedEntry.fileName(set: s, pseudoExperiment: p) else {
                throw item.fail("file", "'\(file)' is not the file name of set \(s), pseudo-experiment \(p)")
            }
            entries.append(MaterializedEntry(set: s, pseudoExperiment: p, file: file,
                                             rows: Int(try item.integer("rows", in: 0...Int64(Int32.max))),
                                             valuesSHA256: try item.string("values_sha256")))
        }
        guard SetDirectory.indexJSON(entries, manifestSHA256: manifestSHA256) == data else {
            throw SetError.badFile(file: url.path, field: "", problem: "the index is not in canonical form (it was edited); regenerate the set directory")
        }
        return entries
    }
}
