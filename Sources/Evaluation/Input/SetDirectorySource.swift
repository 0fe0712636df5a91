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
