import Foundation
import PseudoExperiments
import Scoring

/// The pseudo-experiments of a set directory (`bench generate`) as the runner's source: stored
/// views when the directory is materialized, else regenerated from its pool; truths by the
/// manifest's seed rule; the set's key in the store is the manifest's SHA-256.
public enum SetDirectorySource {
    /// The source for `directory`, with `pool` (required unless the views are stored; its digest
    /// must be the manifest's) and the pool estimators train on.
    public static func open(_ directory: SetDirectory, pool: PreparedPool?,
                            trainingPool: EventTable) throws -> any PseudoExperimentSource {
        let trainingHash = PoolDigest.of(trainingPool).hex
        let manifest = directory.manifest
        if directory.isMaterialized {
            return MaterializedSets(directory: directory, trainingPool: trainingPool, trainingPoolHash: trainingHash)
        }
        guard let pool else { throw SetError.poolRequired(path: directory.url.path) }
        return GeneratedSets(generator: try directory.generator(pool: pool), sets: manifest.sets,
                             pseudoExperimentsPerSet: manifest.pseudoExperimentsPerSet,
                             setManifestHash: directory.manifestSHA256, trainingPool: trainingPool,
                             trainingPoolHash: trainingHash)
    }
}

/// A materialized set directory: each view read from its file (checked against the index).
final class MaterializedSets: PseudoExperimentSource, @unchecked Sendable {
    let directory: SetDirectory
    let truths: [PseudoExperimentTruth]
    let trainingPool: EventTable
    let trainingPoolHash: String

    init(directory: SetDirectory, trainingPool: EventTable, trainingPoolHash: String) {
        self.directory = directory
        self.trainingPool = trainingPool
        self.trainingPoolHash = trainingPoolHash
        truths = directory.truths().entries.map {
            PseudoExperimentTruth(setIndex: $0.set, index: $0.pseudoExperiment, mu: $0.truth.mu,
                                  nuisances: $0.truth.nuisances)
        }
    }

    var spec: ChallengeSpec { directory.manifest.spec }
    var setManifestHash: String { directory.manifestSHA256 }
    var rootSeed: UInt64 { directory.manifest.seed }

    func view(of key: PseudoExperimentKey) throws -> SealedView {
        try directory.materializedView(set: key.setIndex, pseudoExperiment: key.index)
    }
}

/// Finds the pool estimators train on: a file given by the user, or the challenge's simulated
/// training pool (`pools.training` of the spec: another simulator seed than the evaluation
/// pool, so the two share no event), made once and then reused from the simulator's cache
/// (``SimulatedPool``).
public enum TrainingPool {
    /// The training pool of `spec`: the pool file (binary pool or `.csv`) `file` if given, else
    /// the spec's simulated training pool (generated with `workers` threads on first use).
    public static func load(file: URL?, spec: ChallengeSpec,
                            workers: Int = EventSimulator.defaultWorkers) throws -> EventTable {
        guard let file else {
            let pool = spec.pools.training
            let plan = SimulationPlan(seed: pool.simulatorSeed, rows: ProcessRows { pool.rows[$0] ?? 0 }, spec: spec)
            return try PoolReader.read(try SimulatedPool.cached(plan, workers: workers).url).table
        }
        if file.pathExtension.lowercased() == "csv" && !PoolReader.looksLikePool(file) {
            return try EventTable.readCSV(from: file).table
        }
        return try PoolReader.read(file).table
    }
}
