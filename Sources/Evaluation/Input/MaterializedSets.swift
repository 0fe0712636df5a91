import Foundation
import PseudoExperiments
import Scoring

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
