import Foundation

/// Writes a set directory and its truths file, on all cores, atomically.
///
/// The directory is assembled under a temporary name beside its target (`.DIR.partial-...`),
/// `manifest.json` last, and renamed into place when complete; the truths file likewise. On any
/// error both temporaries are removed and the targets are untouched, so nothing half-written
/// is ever left looking valid. The target directory and truths file must not exist yet, and the
/// truths file must lie outside the directory.
///
/// ```swift
/// let manifest = SetManifest(spec: spec, phase: "final", seed: 42, sets: 10, pseudoExperimentsPerSet: 1000,
///                            pool: try SetManifest.Pool(describing: pool, source: .file, spec: spec))
/// let summary = try SetWriter(manifest: manifest, pool: pool).write(to: dir, truthsTo: TruthFile.defaultURL(forDirectory: dir))
/// ```
public struct SetWriter {
    /// What was written.
    public struct Summary: Sendable, Equatable {
        /// The SHA-256 of the manifest.
        public var manifestSHA256: String
        /// Pseudo-experiments written as files (0 when they are regenerated on the fly).
        public var materialized: Int
        /// Rows of all materialized views.
        public var rows: Int
        /// Bytes written into the directory.
        public var bytes: Int
    }

    public var manifest: SetManifest
    /// The keys the pseudo-experiments are drawn under (open: the manifest's seed).
    public var keys: SetKeys
    public var pool: PreparedPool
    /// Whether to store every pseudo-experiment's view (for small sets).
    public var materialize: Bool
    /// Threads generating pseudo-experiments.
    public var workers: Int

    /// A writer of an open `manifest` (its seed is the root seed).
    public init(manifest: SetManifest, pool: PreparedPool, materialize: Bool = false,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(manifest.seed != nil, "a sealed manifest needs its keys: use init(manifest:keys:pool:)")
        self.init(manifest: manifest, keys: .open(seed: manifest.seed!), pool: pool, materialize: materialize,
                  workers: workers)
    }

    /// A writer of `manifest`, drawn under `keys` (whose secret the truth file keeps when sealed).
    public init(manifest: SetManifest, keys: SetKeys, pool: PreparedPool, materialize: Bool = false,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(pool.digest == manifest.pool.digest, "the manifest describes another pool")
        precondition(workers >= 1, "workers must be at least 1, got \(workers)")
        precondition(manifest.seed == nil ? manifest.sealing == .sealed(commitment: keys.commitment ?? "")
                                          : manifest.seed == keys.rootSeed && !keys.isSealed,
                     "the keys are not the manifest's")
        self.manifest = manifest
        self.keys = keys
        self.pool = pool
        self.materialize = materialize
        self.workers = workers
    }

    /// Writes the directory `directory` and the truths file `truthURL`.
    public func write(to directory: URL, truthsTo truthURL: URL) throws -> Summary {
        let directory = directory.standardizedFileURL, truthURL = truthURL.standardizedFileURL
        let inside = truthURL.path.hasPrefix(directory.path + "/") || truthURL.path == directory.path
        guard !inside else { throw SetError.truthsInsideDirectory(truths: truthURL.path, directory: directory.path) }
        for target in [directory, truthURL] where FileManager.default.fileExists(atPath: target.path) {
            throw SetError.outputExists(path: target.path)
        }
        let temporary = try AtomicFile.temporaryDirectory(for: directory)
        var placed = false
        defer { if !placed { try? FileManager.default.removeItem(at: temporary) } }

        let manifestData = manifest.canonicalJSON()
        let hash = SHA256.hash(manifestData).hex
        var summary = Summary(manifestSHA256: hash, materialized: 0, rows: 0, bytes: manifestData.count)
        if materialize {
            let entries = try writeViews(into: temporary.appendingPathComponent(SetDirectory.materializedFolder))
            let index = SetDirectory.indexJSON(entries, manifestSHA256: hash)
            try writeFile(index, temporary.appendingPathComponent(SetDirectory.materializedFolder)
                .appendingPathComponent(SetDirectory.indexName), reportedAs: directory)
            summary.materialized = entries.count
            summary.rows = entries.reduce(0) { $0 + $1.rows }
            summary.bytes += index.count + (try folderBytes(temporary.appendingPathComponent(SetDirectory.materializedFolder)))
        }
        // The manifest last: a directory without one was never finished.
        try writeFile(manifestData, temporary.appendingPathComponent(SetDirectory.manifestName), reportedAs: directory)

        try TruthFile(manifest: manifest, keys: keys).write(to: truthURL)
        do {
            try AtomicFile.moveIntoPlace(temporary, directory, replacing: false)
        } catch {
            try? FileManager.default.removeItem(at: truthURL)
            throw error
        }
        placed = true
        return summary
    }

    /// Generates and writes every view file, in parallel; returns the index entries in order.
    private func writeViews(into folder: URL) throws -> [SetDirectory.MaterializedEntry] {
        do {
            for s in 0..<manifest.sets {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent("set-\(s)"),
                                                        withIntermediateDirectories: true)
            }
        } catch {
            throw SetError.io(file: folder.path, action: "create", reason: AtomicFile.reason(error))
        }
        let generator = PseudoExperimentGenerator(spec: manifest.spec, pool: pool, seed: keys.rootSeed)
        let perSet = manifest.pseudoExperimentsPerSet
        let total = manifest.count
        let results = ResultSlots<SetDirectory.MaterializedEntry>(count: total)
        let threads = min(workers, total)
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            var workspace = GenerationWorkspace()
            var k = worker
            while k < total, !results.failed {
                let s = k / perSet, p = k % perSet
                do {
                    let pe = try generator.generate(set: s, pseudoExperiment: p, workspace: &workspace)
                    let name = SetDirectory.MaterializedEntry.fileName(set: s, pseudoExperiment: p)
                    try ViewFile.write(pe.view, to: folder.appendingPathComponent(name))
                    results.set(k, .success(SetDirectory.MaterializedEntry(
                        set: s, pseudoExperiment: p, file: name, rows: pe.view.count,
                        valuesSHA256: ViewFile.valuesSHA256(pe.view))))
                } catch {
                    results.set(k, .failure(error))
                }
                k += threads
            }
        }
        return try results.values()
    }

    private func writeFile(_ data: Data, _ url: URL, reportedAs directory: URL) throws {
        do { try data.write(to: url) } catch {
            throw SetError.io(file: directory.path, action: "write", reason: AtomicFile.reason(error))
        }
    }

    private func folderBytes(_ folder: URL) throws -> Int {
        var total = 0
        let keys: [URLResourceKey] = [.fileSizeKey, .isRegularFileKey]
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: keys)
        while let file = files?.nextObject() as? URL {
            let values = try? file.resourceValues(forKeys: Set(keys))
            if values?.isRegularFile == true { total += values?.fileSize ?? 0 }
        }
        return total
    }
}
