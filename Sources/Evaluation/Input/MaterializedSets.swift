import Foundation
import PseudoExperiments
import Scoring

/// A materialized set directory: each view read from its file (checked against the index).
final class MaterializedSets: PseudoExperimentSource, @unchecked Sendable {
    let directory: SetDirectory
    let truths: [PseudoExperimentTruth]
    let trainingPool: EventTable
    let trainingPoolHash: String
    let keys: SetKeys

    init(directory: SetDirectory, keys: SetKeys, trainingPool: EventTable, trainingPoolHash: String) throws {
        self.directory = directory
        self.keys = keys
        self.trainingPool = trainingPool
        self.trainingPoolHash = trainingPoolHash
        truths = try directory.truths(keys: keys).entries.map {
            PseudoExperimentTruth(setIndex: $0.set, index: $0.pseudoExperiment, mu: $0.truth.mu,
                                  nuisances: $0.truth.nuisances)
        }
    }

    var spec: ChallengeSpec { directory.manifest.spec }
    var setManifestHash: String { directory.manifestSHA256 }
    var rootSeed: UInt64 { keys.rootSeed }

    func view(of key: PseudoExperimentKey) throws -> SealedView {
        try directory.materializedView(set: key.setIndex, pseudoExperiment: key.index)
    }
}
