import Foundation

/// Simulated pools cached on disk, keyed by what makes their bytes: the simulator version, the
/// seed, the rows of each process, the block size and the yields.
///
/// ```swift
/// let spec = try ChallengeSpec.builtin(named: "fair-universe-2024")
/// let plan = try SimulationPlan(seed: 42, events: 1_000_000, spec: spec)
/// let pool = try SimulatedPool.cached(plan)     // generated the first time, reused after
/// let table = try PoolReader(url: pool.url).readAll()
/// ```
/// The cache directory is `$FAIR_UQ_CACHE` if set, else `$XDG_CACHE_HOME/fair-uq-bench`, else
/// `~/.cache/fair-uq-bench`. A file is named
/// ```
/// simulated-v<version>-seed<seed>-h<rows>-z<rows>-t<rows>-d<rows>-b<block rows>-y<yields hash>.fuqpool
/// ```
/// (the yields hash: the first 8 hex digits of the SHA-256 of the yields and their luminosity).
/// The pool of a sealed collection, whose seed is a secret, is named
/// `simulated-v<version>-sealed<first 16 hex digits of SHA-256("fair-uq-bench/sealed-pool/v1 " + seed)>-...`
/// instead, so that a directory listing does not give its seed away. A variant's shifted pool
/// (``SimulationPlan/shift``) is made from the cached nominal pool by ``DomainShift`` and named
/// like it with `-x<first 8 hex digits of the SHA-256 of the effects' canonical JSON>` before
/// the extension.
/// On reuse the file is verified: its header, directory and metadata when opened, the metadata
/// against the plan, and every block's and the whole file's checksums. A file that fails is
/// deleted and generated again (``Outcome/regenerated(reason:)`` says why); a file is written
/// under a temporary name and renamed when complete, so concurrent or interrupted generations
/// never leave a partial pool under the cached name.
public enum SimulatedPool {
    /// How ``cached(_:directory:workers:)`` obtained the pool.
    public enum Outcome: Sendable, Equatable {
        /// The cached file was verified and reused.
        case reused
        /// There was no cached file: it was generated.
        case generated
        /// The cached file failed verification (`reason`) and was generated again.
        case regenerated(reason: String)
    }

    /// A cached pool.
    public struct Entry: Sendable, Equatable {
        public var url: URL
        public var outcome: Outcome
    }

    /// The cache directory (see the type's documentation).
    public static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["FAIR_UQ_CACHE"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("fair-uq-bench")
        }
        return FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".cache").appendingPathComponent("fair-uq-bench")
    }

    /// The file name of `plan`'s pool in the cache.
    public static func fileName(for plan: SimulationPlan) -> String {
        var yields = "lumi=\(plan.yieldLuminosity.bitPattern)"
        for process in PhysicsProcess.allCases { yields += ",\(process.rawValue)=\(plan.yields[process].bitPattern)" }
        let hash = String(SHA256.hash(Data(yields.utf8)).hex.prefix(8))
        let r = plan.rows
        let seed = plan.hidesSeed
            ? "sealed" + SHA256.hash(Data("fair-uq-bench/sealed-pool/v1 \(plan.seed)".utf8)).hex.prefix(16)
            : "seed\(plan.seed)"
        let shift = plan.shift.isEmpty ? "" : "-x" + SHA256.hash(Data(shiftKey(plan.shift).utf8)).hex.prefix(8)
        return "simulated-v\(EventSimulator.version)-\(seed)-h\(r.htautau)-z\(r.ztautau)-t\(r.ttbar)-d\(r.diboson)-b\(plan.blockRows)-y\(hash)\(shift).fuqpool"
    }

    /// The effects as they name a shifted pool: `effect=size-bits` in order, comma-separated.
    static func shiftKey(_ effects: [EvaluationShift.Effect]) -> String {
        effects.map { "\($0.kind.rawValue)=\($0.size.bitPattern)" }.joined(separator: ",")
    }

    /// The path of `plan`'s pool in `directory`, generating it with `workers` threads if it is
    /// absent or fails verification.
    public static func cached(_ plan: SimulationPlan, directory: URL = defaultDirectory,
                              workers: Int = EventSimulator.defaultWorkers) throws -> Entry {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SimulationError.unwritable(file: directory.path, reason: error.localizedDescription)
        }
        let url = directory.appendingPathComponent(fileName(for: plan))
        var outcome = Outcome.generated
        if FileManager.default.fileExists(atPath: url.path) {
            do {
                try verify(url, against: plan)
                return Entry(url: url, outcome: .reused)
            } catch {
                outcome = .regenerated(reason: "\(error)")
                try? FileManager.default.removeItem(at: url)
            }
        }
        if plan.shift.isEmpty {
            try EventSimulator.write(plan, to: url, workers: workers)
        } else {
            let nominal = try cached(plan.nominal, directory: directory, workers: workers)
            try writeShifted(plan, from: nominal.url, to: url)
        }
        return Entry(url: url, outcome: outcome)
    }

    /// Writes the nominal pool at `nominal` with `plan`'s shift applied to `url` (``DomainShift``:
    /// one pass, or two when the Z pT is reweighted, the first summing the Z weights before and
    /// after). The file appears only when complete.
    static func writeShifted(_ plan: SimulationPlan, from nominal: URL, to url: URL) throws {
        let reader = try PoolReader(url: nominal)
        func shiftedBlocks(_ body: (EventTable) throws -> Void) throws {
            var firstRow = 0
            try reader.forEachBlock { _, block in
                var table = block
                DomainShift.applyFeatureEffects(plan.shift, to: &table, firstRow: firstRow, seed: plan.seed)
                firstRow += table.count
                try body(table)
            }
        }
        // The Z yield is kept: weights scaled by sum(w) / sum(w * factor) over the Z rows.
        var normalisation = 1.0
        if plan.shift.contains(where: { $0.kind == .zPtMismodelling }) {
            var before = 0.0, after = 0.0
            try shiftedBlocks { table in
                for row in 0..<table.count where table.process(at: row) == .ztautau {
                    let w = Double(table.weights[row])
                    before += w
                    after += w * DomainShift.zPtFactor(plan.shift, table: table, row: row)
                }
            }
            normalisation = after > 0 ? before / after : 1
        }
        let writer = try PoolWriter(url: url)
        do {
            try shiftedBlocks { block in
                var table = block
                if normalisation != 1 {
                    for row in 0..<table.count where table.process(at: row) == .ztautau {
                        table.weights[row] = Float(Double(table.weights[row])
                            * DomainShift.zPtFactor(plan.shift, table: table, row: row) * normalisation)
                    }
                }
                try writer.append(table)
            }
            try writer.finish(metadata: EventSimulator.Metadata(plan: plan))
        } catch {
            writer.cancel()
            throw error
        }
    }

    /// Checks that `url` is an intact pool made from `plan` by this simulator version: every
    /// checksum, the row counts, and the metadata.
    public static func verify(_ url: URL, against plan: SimulationPlan) throws {
        let reader = try PoolReader(url: url)
        let metadata: EventSimulator.Metadata
        do {
            metadata = try reader.metadata(as: EventSimulator.Metadata.self)
        } catch {
            throw SimulationError.cacheMismatch(file: url.path, detail: "its metadata is not a simulator's: \(error)")
        }
        let expected = EventSimulator.Metadata(plan: plan)
        guard metadata == expected else {
            throw SimulationError.cacheMismatch(
                file: url.path, detail: "its metadata says version \(metadata.simulatorVersion), seed \(metadata.seed), rows \(metadata.rows); expected version \(expected.simulatorVersion), seed \(expected.seed), rows \(expected.rows), or the yields differ")
        }
        var rows = ProcessRows(repeating: 0)
        try reader.forEachBlock { _, block in
            for code in block.processCodes { if let p = PhysicsProcess(code: code) { rows[p] += 1 } }
        }
        guard rows == plan.rows else {
            throw SimulationError.cacheMismatch(file: url.path, detail: "it holds rows \(rows), its metadata says \(plan.rows)")
        }
    }
}
