import Foundation
import PseudoExperiments

/// Finds the pool estimators train on: a file given by the user, or the challenge's simulated
/// training pool (``ChallengePools/training(spec:cache:)``: another simulator seed than the
/// evaluation pool, so the two share no event; made once, then read from the cache).
public enum TrainingPool {
    /// The training pool of `spec`: the pool file (binary pool or `.csv`) `file` if given, else
    /// the spec's simulated training pool.
    public static func load(file: URL?, spec: ChallengeSpec) throws -> EventTable {
        guard let file else { return try ChallengePools.training(spec: spec) }
        if file.pathExtension.lowercased() == "csv" && !PoolReader.looksLikePool(file) {
            return try EventTable.readCSV(from: file).table
        }
        return try PoolReader.read(file).table
    }
}
