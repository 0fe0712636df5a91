import Foundation
import PseudoExperiments
import Scoring

/// Pseudo-experiments made on demand by a ``PseudoExperimentGenerator``: sets `0..<sets`, each
/// with `pseudoExperimentsPerSet` pseudo-experiments, and the pool estimators train on.
///
/// Views are generated when the runner asks, each from its own seeds (any order, any thread),
/// with per-thread buffers reused between pseudo-experiments. Truths follow the generator's
/// seed rule and are computed once, without generating anything.
public final class GeneratedSets: PseudoExperimentSource, @unchecked Sendable {
    public let generator: PseudoExperimentGenerator
    public let sets: Int
    public let pseudoExperimentsPerSet: Int
    public let setManifestHash: String
    public let truths: [PseudoExperimentTruth]
    public let trainingPool: EventTable
    public let trainingPoolHash: String
    /// The keys the pseudo-experiments were drawn under (their root seed is the generator's).
    public let keys: SetKeys
    /// Buffers of generation, one per thread at a time.
    private let workspaces = Locked<[GenerationWorkspace]>([])

    /// The pseudo-experiments of `generator`, identified in the store by `setManifestHash`
    /// (the set manifest's SHA-256), with `trainingPool` (fingerprinted by `trainingPoolHash`).
    /// `keys` default to those of an open set with the generator's seed.
    public init(generator: PseudoExperimentGenerator, sets: Int, pseudoExperimentsPerSet: Int,
                setManifestHash: String, trainingPool: EventTable, trainingPoolHash: String, keys: SetKeys? = nil) {
        precondition(keys == nil || keys!.rootSeed == generator.seed, "the keys are not the generator's")
        self.keys = keys ?? .open(seed: generator.seed)
        precondition(sets > 0 && pseudoExperimentsPerSet > 0,
                     "sets need at least one pseudo-experiment, got \(sets) x \(pseudoExperimentsPerSet)")
        self.generator = generator
        self.sets = sets
        self.pseudoExperimentsPerSet = pseudoExperimentsPerSet
        self.setManifestHash = setManifestHash
        self.trainingPool = trainingPool
        self.trainingPoolHash = trainingPoolHash
        var truths: [PseudoExperimentTruth] = []
        truths.reserveCapacity(sets * pseudoExperimentsPerSet)
        for set in 0..<sets {
            for index in 0..<pseudoExperimentsPerSet {
                let truth = generator.truth(set: set, pseudoExperiment: index)
                truths.append(PseudoExperimentTruth(setIndex: set, index: index, mu: truth.mu, nuisances: truth.nuisances))
            }
        }
        self.truths = truths
    }

    public var spec: ChallengeSpec { generator.spec }
    public var rootSeed: UInt64 { generator.seed }

    public func view(of key: PseudoExperimentKey) throws -> SealedView {
        guard (0..<sets).contains(key.setIndex), (0..<pseudoExperimentsPerSet).contains(key.index) else {
            throw EvaluationError.generationFailed(
                key: key, setManifestHash: setManifestHash,
                reason: "the sets hold \(sets) x \(pseudoExperimentsPerSet) pseudo-experiments")
        }
        var workspace = workspaces.withLock { $0.popLast() } ?? GenerationWorkspace()
        defer { workspaces.withLock { [workspace] in $0.append(workspace) } }
        return try generator.generate(set: key.setIndex, pseudoExperiment: key.index, workspace: &workspace).view
    }
}
