import Foundation
import PseudoExperiments

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
