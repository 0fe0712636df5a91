import Foundation

/// The event pools of a challenge: the evaluation pool pseudo-experiments are drawn from (a
/// pool file given by the user, or the spec's simulated `pools.evaluation`) and the training pool
/// given to estimators (the spec's simulated `pools.training`).
///
/// Simulated pools come from the built-in simulator through its on-disk cache
/// (``SimulatedPool``): made once per machine (tens of seconds for the default challenge's ~54 M
/// evaluation rows on all cores), then reused.
///
/// ```swift
/// let (pool, source) = try ChallengePools.evaluation(file: nil, spec: spec)   // simulated
/// let training = try ChallengePools.training(spec: spec)                       // EventTable
/// ```
public enum ChallengePools {
    /// The simulation plan of one of a spec's pools: its seed and rows, weights carrying the
    /// spec's yields at their luminosity.
    public static func plan(_ pool: ChallengeSpec.Pool, spec: ChallengeSpec) -> SimulationPlan {
        SimulationPlan(seed: pool.simulatorSeed, rows: ProcessRows { pool.rows[$0] ?? 0 }, spec: spec)
    }

    /// The plan of the evaluation pool of pseudo-experiments drawn under `keys`: the spec's for
    /// open keys; for sealed keys the spec's rows from the secret seed ``SetKeys/poolSeed``, so
    /// that nobody can simulate the labelled evaluation pool from public values.
    public static func evaluationPlan(spec: ChallengeSpec, keys: SetKeys) throws -> SimulationPlan {
        var plan = try evaluationPlan(spec: spec)
        if let seed = keys.poolSeed {
            plan.seed = seed
            plan.hidesSeed = true
        }
        return plan
    }

    /// The plan of the spec's simulated evaluation pool with the variant's shift, if any (the
    /// training pool is never shifted).
    public static func evaluationPlan(spec: ChallengeSpec) throws -> SimulationPlan {
        var plan = plan(try spec.simulatedPools().evaluation, spec: spec)
        plan.shift = spec.evaluationShift?.effects ?? []
        return plan
    }

    /// The evaluation pool of `spec`: the pool file `file` if given, else the spec's simulated
    /// evaluation pool. Returns the prepared pool and how a manifest records its source.
    /// With sealed `keys`, the simulated pool comes from their secret seed.
    public static func evaluation(file: URL?, spec: ChallengeSpec, keys: SetKeys? = nil,
                                  part: ParquetEvents.Part = .all, sumWeights: Double? = nil,
                                  cache: URL = SimulatedPool.defaultDirectory) throws -> (pool: PreparedPool, source: SetManifest.Pool.Source) {
        if let file {
            if spec.evaluationShift?.isIdentity == false {
                throw SetError.shiftedPoolIsSimulated(challenge: spec.name, file: file.path)
            }
            return (try PreparedPool.load(contentsOf: file, part: part, sumWeights: sumWeights), .file)
        }
        let plan = try keys.map { try evaluationPlan(spec: spec, keys: $0) }
            ?? evaluationPlan(spec: spec)
        return (try simulated(plan, cache: cache), .simulated(simulatorVersion: EventSimulator.version))
    }

    /// The pool of the pseudo-experiments of `sets`: `file` if given, else (for a set drawn from
    /// the challenge's simulated pool) that pool. Its digest must be the manifest's
    /// (``SetError/poolMismatch(expected:found:)``).
    /// A sealed set's simulated pool needs its `keys` (``SetDirectory/keys(truths:)``).
    public static func evaluation(file: URL?, for sets: SetDirectory, keys: SetKeys? = nil,
                                  part: ParquetEvents.Part = .all, sumWeights: Double? = nil,
                                  cache: URL = SimulatedPool.defaultDirectory) throws -> PreparedPool {
        let pool: PreparedPool
        if let file {
            pool = try PreparedPool.load(contentsOf: file, part: part, sumWeights: sumWeights)
        } else if case let .simulated(version) = sets.manifest.pool.source {
            guard version == EventSimulator.version else {
                throw SetError.simulatorVersionMismatch(path: sets.url.path, recorded: version, available: EventSimulator.version)
            }
            let keys = try keys ?? sets.keys(truths: nil)
            pool = try evaluation(file: nil, spec: sets.manifest.spec, keys: keys, cache: cache).pool
        } else {
            throw SetError.poolRequired(path: sets.url.path)
        }
        guard pool.digest == sets.manifest.pool.digest else {
            throw SetError.poolMismatch(expected: sets.manifest.pool.digest.hex, found: pool.digest.hex)
        }
        return pool
    }

    /// The training pool of `spec` (simulated, cached), as a table with weights and processes.
    public static func training(spec: ChallengeSpec, cache: URL = SimulatedPool.defaultDirectory) throws -> EventTable {
        try PoolReader(url: trainingURL(spec: spec, cache: cache)).readAll()
    }

    /// The cached pool file of `spec`'s simulated training pool (made when absent).
    public static func trainingURL(spec: ChallengeSpec, cache: URL = SimulatedPool.defaultDirectory) throws -> URL {
        try SimulatedPool.cached(plan(try spec.simulatedPools().training, spec: spec), directory: cache).url
    }

    /// The prepared pool of a simulation plan, from the cache. A cached file is read once: every
    /// checksum is verified while it is prepared, then its metadata and row counts are compared
    /// with the plan; a file that fails is made again.
    static func simulated(_ plan: SimulationPlan, cache: URL) throws -> PreparedPool {
        let url = cache.appendingPathComponent(SimulatedPool.fileName(for: plan))
        if FileManager.default.fileExists(atPath: url.path),
           let pool = try? PreparedPool.load(contentsOf: url), matches(pool, plan) {
            return pool
        }
        // Absent or failing: SimulatedPool verifies what it finds and regenerates if needed.
        let entry = try SimulatedPool.cached(plan, directory: cache)
        let pool = try PreparedPool.load(contentsOf: entry.url)
        guard matches(pool, plan) else {
            throw SetError.unusablePool(file: entry.url.path, reason: "the simulator's output does not match its plan (rows \(pool.rowCounts))")
        }
        return pool
    }

    private static func matches(_ pool: PreparedPool, _ plan: SimulationPlan) -> Bool {
        guard let metadata = try? JSONDecoder().decode(EventSimulator.Metadata.self, from: pool.metadataJSON) else { return false }
        return metadata == EventSimulator.Metadata(plan: plan)
            && PhysicsProcess.allCases.allSatisfy { pool.rowCounts[$0] == plan.rows[$0] }
    }
}
