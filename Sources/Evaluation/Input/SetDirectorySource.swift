import Foundation
import PseudoExperiments
import Scoring

/// The pseudo-experiments of a set directory (`bench generate`) as the runner's source: stored
/// views when the directory is materialized, else regenerated from its pool; truths by the
/// manifest's seed rule; the set's key in the store is the manifest's SHA-256.
public enum SetDirectorySource {
    /// The source for `directory`, with `pool` (required unless the views are stored; its digest
    /// must be the manifest's) and the pool estimators train on. A sealed directory needs its
    /// `keys` (``SetDirectory/keys(truths:)``, from its truth file).
    public static func open(_ directory: SetDirectory, keys: SetKeys? = nil, pool: PreparedPool?,
                            trainingPool: EventTable) throws -> any PseudoExperimentSource {
        let keys = try keys ?? directory.keys(truths: nil)
        let trainingHash = PoolDigest.of(trainingPool).hex
        let manifest = directory.manifest
        if directory.isMaterialized {
            return try MaterializedSets(directory: directory, keys: keys, trainingPool: trainingPool,
                                        trainingPoolHash: trainingHash)
        }
        guard let pool else { throw SetError.poolRequired(path: directory.url.path) }
        return GeneratedSets(generator: try directory.generator(pool: pool, keys: keys), sets: manifest.sets,
                             pseudoExperimentsPerSet: manifest.pseudoExperimentsPerSet,
                             setManifestHash: directory.manifestSHA256, trainingPool: trainingPool,
                             trainingPoolHash: trainingHash, keys: keys)
    }
}
