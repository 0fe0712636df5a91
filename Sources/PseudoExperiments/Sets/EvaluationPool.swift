import Foundation

/// Finds the pool pseudo-experiments are drawn from: a pool file given by the user, or the
/// challenge's simulated evaluation pool (`pools.evaluation` of the spec).
public enum EvaluationPool {
    /// The evaluation pool of `spec`: the pool file `file` if given, else the spec's simulated
    /// evaluation pool. Returns the prepared pool and how a manifest records its source.
    public static func load(file: URL?, spec: ChallengeSpec) throws -> (pool: PreparedPool, source: SetManifest.Pool.Source) {
        if let file { return (try PreparedPool.load(contentsOf: file), .file) }
        throw SetError.simulatorUnavailable(challenge: spec.name)
    }

    /// The pool of the pseudo-experiments of `sets`: `file` if given, else (for a set drawn from
    /// the challenge's simulated pool) that pool. Its digest must be the manifest's.
    public static func load(file: URL?, for sets: SetDirectory) throws -> PreparedPool {
        let pool: PreparedPool
        if let file {
            pool = try PreparedPool.load(contentsOf: file)
        } else if case .simulated = sets.manifest.pool.source {
            pool = try load(file: nil, spec: sets.manifest.spec).pool
        } else {
            throw SetError.poolRequired(path: sets.url.path)
        }
        guard pool.digest == sets.manifest.pool.digest else {
            throw SetError.poolMismatch(expected: sets.manifest.pool.digest.hex, found: pool.digest.hex)
        }
        return pool
    }
}
