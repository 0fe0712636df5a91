import Foundation
import PseudoExperiments

/// Finds the pool estimators train on: a file given by the user, or the challenge's simulated
/// training pool (``ChallengePools/training(spec:cache:)``: another simulator seed than the
/// evaluation pool, so the two share no event; made once, then read from the cache).
public enum TrainingPool {
    /// The training pool of `spec`: the event file (pool, Parquet or CSV) `file` if given, else
    /// the spec's simulated training pool.
    public static func load(file: URL?, spec: ChallengeSpec, part: ParquetEvents.Part = .all,
                            sumWeights: Double? = nil) throws -> EventTable {
        guard let file else { return try ChallengePools.training(spec: spec) }
        return try EventFile.readTable(file, part: part, sumWeights: sumWeights)
    }
}
